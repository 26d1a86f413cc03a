package dev.forecaster.monitor;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.lit;
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

  static final long S = 2 * 86_400L;

  /** Latest candle close per symbol, by hand. */
  static Dataset<Row> latest(Map<String, String> closes) {
    StructType schema =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(Outcomes.LATEST_CLOSE_S, DataTypes.LongType);
    List<Row> rows = new ArrayList<>();
    closes.forEach(
        (symbol, at) -> rows.add(RowFactory.create(symbol, Instant.parse(at).getEpochSecond())));
    return spark.createDataFrame(rows, schema);
  }

  static Map<String, Row> outcomes(
      Dataset<Row> pending, Dataset<Row> prices, Dataset<Row> latest, Instant x) {
    Dataset<Row> labels =
        Labels.compute(prices, pending.select(AS_OF).distinct(), List.of(H), S, x);
    Map<String, Row> out = new TreeMap<>();
    for (Row r : Outcomes.of(pending, labels, latest, S, "monitor-run", T).collectAsList()) {
      out.put(r.getAs(SYMBOL) + "@" + r.<Timestamp>getAs(AS_OF).toInstant(), r);
    }
    return out;
  }

  static Map<String, Row> outcomes(Dataset<Row> pending) {
    return outcomes(pending, prices(), latest(Map.of("AAA-USD", "2025-01-05T00:00:00Z")), T);
  }

  @Test
  void maturedForecastsGetTheRealisedLabelAndWhetherTheyWereRight() {
    Map<String, Row> out = outcomes(Outcomes.pending(forecasts(), null, T, T));
    assertEquals(
        List.of(
            "AAA-USD@2025-01-02T00:00:00Z",
            "AAA-USD@2025-01-03T00:00:00Z",
            "AAA-USD@2025-01-04T00:00:00Z",
            "NONE-USD@2025-01-02T00:00:00Z"),
        List.copyOf(out.keySet()));
    // NONE-USD has no candle at all while the market's data reached its t + h: unscorable, with
    // nothing realised and no verdict.
    Row none = out.get("NONE-USD@2025-01-02T00:00:00Z");
    assertEquals(Outcomes.SYMBOL_FEED_STOPPED, none.getAs(UNSCORABLE_REASON));
    assertNull(none.getAs(REALISED_RETURN));
    assertNull(none.getAs(REALISED_DIRECTION));
    assertNull(none.getAs(CORRECT));
    // 01-02: 110 / 100 - 1 = +0.1, up; the ML forecast said up with p_up 0.8.
    Row first = out.get("AAA-USD@2025-01-02T00:00:00Z");
    assertNull(first.getAs(UNSCORABLE_REASON));
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
        Outcomes.pending(
                forecasts(),
                existing
                    .withColumn(UNSCORABLE_REASON, lit(null).cast("string"))
                    .withColumn(MATURED_AT, lit(null).cast("timestamp")),
                T,
                T)
            .orderBy(SYMBOL, AS_OF)
            .collectAsList()
            .stream()
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

  /**
   * An outage and a delisting, by hand (S = 2 d, h = 1 d). BBB-USD's daily candles open 01-01,
   * 01-02 (closes 01-02: 50, 01-03: 55), then a 3-day hole, then open 01-06 .. 01-10 (closes 01-07
   * .. 01-11: 60, 61, 62, 63, 64). CCC-USD opens 01-01 .. 01-04 (closes 01-02 .. 01-05: 10, 11, 12,
   * 13) and then stops. The data reaches x = 01-11.
   */
  static Dataset<Row> outagePrices() {
    StructType schema =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(OPEN_TIME, DataTypes.TimestampType)
            .add(BAR_SECONDS, DataTypes.LongType)
            .add(CLOSE, DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    Object[][] candles = {
      {"BBB-USD", "01-01", 50.0},
      {"BBB-USD", "01-02", 55.0},
      {"BBB-USD", "01-06", 60.0},
      {"BBB-USD", "01-07", 61.0},
      {"BBB-USD", "01-08", 62.0},
      {"BBB-USD", "01-09", 63.0},
      {"BBB-USD", "01-10", 64.0},
      {"CCC-USD", "01-01", 10.0},
      {"CCC-USD", "01-02", 11.0},
      {"CCC-USD", "01-03", 12.0},
      {"CCC-USD", "01-04", 13.0},
    };
    for (Object[] c : candles) {
      rows.add(
          RowFactory.create(
              c[0], Timestamp.from(Instant.parse("2025-" + c[1] + "T00:00:00Z")), 86_400L, c[2]));
    }
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void holesAndAStoppedFeedGiveOutcomesThatSayWhyTheyCannotBeScored() {
    Instant x = Instant.parse("2025-01-11T00:00:00Z");
    Dataset<Row> forecasts =
        spark.createDataFrame(
            List.of(
                // P*(01-03) = 55 (closed 01-03); P*(01-04) = 55 (closed 01-03, within S): 0 ->
                // down.
                forecast("2025-01-03", "BBB-USD", DOWN, 0.6, null),
                // P*(01-05): nothing closed in (01-03, 01-05]: stale at the as-of.
                forecast("2025-01-05", "BBB-USD", UP, 0.6, null),
                // P*(01-04) = 55, P*(01-05) = 55 (closed 01-03, 2 d before is not within S): the
                // hole reaches t + h.
                forecast("2025-01-04", "BBB-USD", UP, 0.6, null),
                // P*(01-07) = 60, P*(01-08) = 61: +1/60, up; right.
                forecast("2025-01-07", "BBB-USD", UP, 0.6, null),
                // CCC-USD: P*(01-04) = 12, P*(01-05) = 13: scored (its data reached 01-05).
                forecast("2025-01-04", "CCC-USD", UP, 0.6, null),
                // CCC-USD stopped at 01-05; t + h = 01-08 is S or more after it: feed stopped.
                forecast("2025-01-07", "CCC-USD", UP, 0.6, null),
                // CCC-USD at 01-05, t + h = 01-06: its data lags t + h by 1 d < S. Outage or
                // delisting cannot be told yet: no outcome, it stays pending.
                forecast("2025-01-05", "CCC-USD", UP, 0.6, null),
                // t + h = 01-12 is after x = 01-11 (and T does not matter): not due.
                forecast("2025-01-11", "BBB-USD", UP, 0.6, null)),
            FORECASTS);
    Dataset<Row> pending = Outcomes.pending(forecasts, null, x, x);
    assertEquals(7, pending.count(), "the night whose t + h is after the data is not due");
    Map<String, Row> out =
        outcomes(
            pending,
            outagePrices(),
            latest(Map.of("BBB-USD", "2025-01-11T00:00:00Z", "CCC-USD", "2025-01-05T00:00:00Z")),
            x);
    assertEquals(
        List.of(
            "BBB-USD@2025-01-03T00:00:00Z",
            "BBB-USD@2025-01-04T00:00:00Z",
            "BBB-USD@2025-01-05T00:00:00Z",
            "BBB-USD@2025-01-07T00:00:00Z",
            "CCC-USD@2025-01-04T00:00:00Z",
            "CCC-USD@2025-01-07T00:00:00Z"),
        List.copyOf(out.keySet()));
    Row flat = out.get("BBB-USD@2025-01-03T00:00:00Z");
    assertEquals(0.0, flat.<Double>getAs(REALISED_RETURN), 0.0);
    assertEquals(true, flat.getAs(CORRECT));
    assertEquals(
        Outcomes.NO_PRICE_AT_HORIZON,
        out.get("BBB-USD@2025-01-04T00:00:00Z").getAs(UNSCORABLE_REASON));
    assertEquals(
        Outcomes.STALE_PRICE_AT_AS_OF,
        out.get("BBB-USD@2025-01-05T00:00:00Z").getAs(UNSCORABLE_REASON));
    Row after = out.get("BBB-USD@2025-01-07T00:00:00Z");
    assertEquals(61.0 / 60.0 - 1, after.<Double>getAs(REALISED_RETURN), 1e-12);
    assertEquals(true, after.getAs(CORRECT));
    Row lastCcc = out.get("CCC-USD@2025-01-04T00:00:00Z");
    assertEquals(13.0 / 12.0 - 1, lastCcc.<Double>getAs(REALISED_RETURN), 1e-12);
    assertNull(lastCcc.getAs(UNSCORABLE_REASON));
    Row stopped = out.get("CCC-USD@2025-01-07T00:00:00Z");
    assertEquals(Outcomes.SYMBOL_FEED_STOPPED, stopped.getAs(UNSCORABLE_REASON));
    for (Row r : out.values()) {
      boolean scored = r.getAs(UNSCORABLE_REASON) == null;
      assertEquals(scored, r.getAs(REALISED_RETURN) != null, r.toString());
      assertEquals(scored, r.getAs(CORRECT) != null, r.toString());
    }
  }

  @Test
  void unscorableOutcomesAreReexaminedUntilTheRecheckWindowEnds() {
    StructType recorded =
        new StructType()
            .add(AS_OF, DataTypes.TimestampType)
            .add(SYMBOL, DataTypes.StringType)
            .add(HORIZON_MINUTES, DataTypes.IntegerType)
            .add(LOOKBACK_DAYS, DataTypes.IntegerType)
            .add(FORECAST_RUN_ID, DataTypes.StringType)
            .add(MATURED_AT, DataTypes.TimestampType)
            .add(UNSCORABLE_REASON, DataTypes.StringType);
    Dataset<Row> existing =
        spark.createDataFrame(
            List.of(
                // Unscorable, matured 01-03: still inside the recheck window from 01-03.
                RowFactory.create(
                    Timestamp.from(Instant.parse("2025-01-02T00:00:00Z")),
                    "NONE-USD",
                    H,
                    60,
                    "forecast-run-1",
                    Timestamp.from(Instant.parse("2025-01-03T00:00:00Z")),
                    Outcomes.SYMBOL_FEED_STOPPED),
                // Scored: final.
                RowFactory.create(
                    Timestamp.from(Instant.parse("2025-01-02T00:00:00Z")),
                    "AAA-USD",
                    H,
                    60,
                    "forecast-run-1",
                    Timestamp.from(Instant.parse("2025-01-03T00:00:00Z")),
                    null)),
            recorded);
    java.util.function.Function<Instant, List<String>> pendingFrom =
        recheckFrom ->
            Outcomes.pending(forecasts(), existing, T, recheckFrom)
                .orderBy(SYMBOL, AS_OF)
                .collectAsList()
                .stream()
                .map(r -> r.getAs(SYMBOL) + "@" + r.<Timestamp>getAs(AS_OF).toInstant())
                .toList();
    assertEquals(
        List.of(
            "AAA-USD@2025-01-03T00:00:00Z",
            "AAA-USD@2025-01-04T00:00:00Z",
            "NONE-USD@2025-01-02T00:00:00Z"),
        pendingFrom.apply(Instant.parse("2025-01-03T00:00:00Z")));
    // Once it matured before the recheck window, the unscorable outcome is final.
    assertEquals(
        List.of("AAA-USD@2025-01-03T00:00:00Z", "AAA-USD@2025-01-04T00:00:00Z"),
        pendingFrom.apply(Instant.parse("2025-01-03T00:00:01Z")));
  }
}
