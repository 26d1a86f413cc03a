package dev.forecaster.monitor;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forecaster.TestSpark;
import dev.forecaster.features.Labels;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@link Outcomes} on hand-made daily candles of AAA-USD (bar 1 d), opening 2025-01-01 .. 01-04
 * with closes 100, 110, 99, 99: P*(01-02) = 100, P*(01-03) = 110, P*(01-04) = 99, P*(01-05) = 99.
 * The monitor runs at T = 2025-01-05, horizon 1 d.
 */
class OutcomesTest {
  static final Instant T = Instant.parse("2025-01-05T00:00:00Z");
  static final int H = 1440;
  static final SparkSession spark = TestSpark.session();

  static final StructType FORECASTS =
      new StructType()
          .add(AS_OF, DataTypes.TimestampType)
          .add(SYMBOL, DataTypes.StringType)
          .add(HORIZON_MINUTES, DataTypes.IntegerType)
          .add(LOOKBACK_DAYS, DataTypes.IntegerType)
          .add(DIRECTION, DataTypes.StringType)
          .add(CONFIDENCE, DataTypes.DoubleType)
          .add(P_UP, DataTypes.DoubleType)
          .add(MODEL_TYPE, DataTypes.StringType)
          .add(MODEL_NAME, DataTypes.StringType)
          .add(MODEL_VERSION, DataTypes.StringType)
          .add(FALLBACK_REASON, DataTypes.StringType)
          .add(RUN_ID, DataTypes.StringType);

  static Row forecast(String day, String symbol, String direction, double confidence, Double pUp) {
    boolean ml = pUp != null;
    return RowFactory.create(
        Timestamp.from(Instant.parse(day + "T00:00:00Z")),
        symbol,
        H,
        60,
        direction,
        confidence,
        pUp,
        ml ? MODEL_TYPE_ML : MODEL_TYPE_NAIVE,
        ml ? "ml_forecaster_1d_rf" : NAIVE_MODEL_NAME,
        ml ? "v1" : null,
        ml ? null : "no promoted model for 1d",
        "forecast-run-1");
  }

  static Dataset<Row> forecasts() {
    return spark.createDataFrame(
        List.of(
            forecast("2025-01-02", "AAA-USD", UP, 0.8, 0.8),
            forecast("2025-01-03", "AAA-USD", UP, 0.6, null),
            forecast("2025-01-04", "AAA-USD", DOWN, 0.7, null),
            // t + h = 01-06 is after T: not due.
            forecast("2025-01-05", "AAA-USD", UP, 0.9, null),
            // No candles at all: due, but its label never matures.
            forecast("2025-01-02", "NONE-USD", UP, 0.9, null)),
        FORECASTS);
  }

  static Dataset<Row> prices() {
    StructType schema =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(OPEN_TIME, DataTypes.TimestampType)
            .add(BAR_SECONDS, DataTypes.LongType)
            .add(CLOSE, DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    double[] closes = {100, 110, 99, 99};
    for (int i = 0; i < closes.length; i++) {
      rows.add(
          RowFactory.create(
              "AAA-USD",
              Timestamp.from(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(i * 86_400L)),
              86_400L,
              closes[i]));
    }
    return spark.createDataFrame(rows, schema);
  }

  static Map<String, Row> outcomes(Dataset<Row> pending) {
    Dataset<Row> labels =
        Labels.compute(prices(), pending.select(AS_OF).distinct(), List.of(H), 2 * 86_400L, T);
    Map<String, Row> out = new TreeMap<>();
    for (Row r : Outcomes.of(pending, labels, "monitor-run", T).collectAsList()) {
      out.put(r.getAs(SYMBOL) + "@" + r.<Timestamp>getAs(AS_OF).toInstant(), r);
    }
    return out;
  }

  @Test
  void maturedForecastsGetTheRealisedLabelAndWhetherTheyWereRight() {
    Map<String, Row> out = outcomes(Outcomes.pending(forecasts(), null, T));
    assertEquals(
        List.of(
            "AAA-USD@2025-01-02T00:00:00Z",
            "AAA-USD@2025-01-03T00:00:00Z",
            "AAA-USD@2025-01-04T00:00:00Z"),
        List.copyOf(out.keySet()));
    // 01-02: 110 / 100 - 1 = +0.1, up; the ML forecast said up with p_up 0.8.
    Row first = out.get("AAA-USD@2025-01-02T00:00:00Z");
    assertEquals(0.1, first.<Double>getAs(REALISED_RETURN), 1e-12);
    assertEquals(UP, first.getAs(REALISED_DIRECTION));
    assertEquals(true, first.getAs(CORRECT));
    assertEquals(0.8, first.<Double>getAs(PROB_UP), 0.0);
    assertEquals(Timestamp.from(Instant.parse("2025-01-03T00:00:00Z")), first.getAs(MATURED_AT));
    assertEquals("forecast-run-1", first.getAs(FORECAST_RUN_ID));
    assertEquals("monitor-run", first.getAs(RUN_ID));
    // 01-03: 99 / 110 - 1 = -0.1, down; naive said up with confidence 0.6: prob_up 0.6, wrong.
    Row second = out.get("AAA-USD@2025-01-03T00:00:00Z");
    assertEquals(-0.1, second.<Double>getAs(REALISED_RETURN), 1e-12);
    assertEquals(DOWN, second.getAs(REALISED_DIRECTION));
    assertEquals(false, second.getAs(CORRECT));
    assertEquals(0.6, second.<Double>getAs(PROB_UP), 0.0);
    assertNull(second.getAs(P_UP));
    // 01-04: 99 / 99 - 1 = 0, which is down (up iff > 0); naive said down with confidence 0.7:
    // prob_up = 1 - 0.7 = 0.3, right.
    Row third = out.get("AAA-USD@2025-01-04T00:00:00Z");
    assertEquals(0.0, third.<Double>getAs(REALISED_RETURN), 0.0);
    assertEquals(DOWN, third.getAs(REALISED_DIRECTION));
    assertEquals(true, third.getAs(CORRECT));
    assertEquals(0.3, third.<Double>getAs(PROB_UP), 1e-12);
  }

  @Test
  void aForecastWithAnOutcomeOfTheSameRunIsNotPendingButARerunNightIs() {
    StructType recorded =
        new StructType()
            .add(AS_OF, DataTypes.TimestampType)
            .add(SYMBOL, DataTypes.StringType)
            .add(HORIZON_MINUTES, DataTypes.IntegerType)
            .add(LOOKBACK_DAYS, DataTypes.IntegerType)
            .add(FORECAST_RUN_ID, DataTypes.StringType);
    Dataset<Row> existing =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    Timestamp.from(Instant.parse("2025-01-02T00:00:00Z")),
                    "AAA-USD",
                    H,
                    60,
                    "forecast-run-1"),
                RowFactory.create(
                    Timestamp.from(Instant.parse("2025-01-03T00:00:00Z")),
                    "AAA-USD",
                    H,
                    60,
                    "an-older-forecast-run")),
            recorded);
    List<String> pending =
        Outcomes.pending(forecasts(), existing, T).orderBy(SYMBOL, AS_OF).collectAsList().stream()
            .map(r -> r.getAs(SYMBOL) + "@" + r.<Timestamp>getAs(AS_OF).toInstant())
            .toList();
    // 01-02 has its outcome; 01-03 was re-forecast since; 01-04 and NONE-USD have none.
    assertEquals(
        List.of(
            "AAA-USD@2025-01-03T00:00:00Z",
            "AAA-USD@2025-01-04T00:00:00Z",
            "NONE-USD@2025-01-02T00:00:00Z"),
        pending);
  }
}
