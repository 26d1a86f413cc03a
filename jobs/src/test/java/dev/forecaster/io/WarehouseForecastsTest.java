package dev.forecaster.io;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.schema.Schemas;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Warehouse#replaceForecasts} on literal rows: a night's rows are updated, inserted or
 * deleted to match the run; other nights, in the same month partition or not, keep every value.
 */
class WarehouseForecastsTest {
  static final Instant JAN_30 = Instant.parse("2025-01-30T00:00:00Z");
  static final Instant JAN_31 = Instant.parse("2025-01-31T00:00:00Z");
  static final Instant FEB_01 = Instant.parse("2025-02-01T00:00:00Z");

  @TempDir Path tmp;

  static Row row(Instant asOf, String symbol, int horizon, String direction, String runId) {
    return RowFactory.create(
        Timestamp.from(asOf),
        symbol,
        horizon,
        60,
        0.01,
        direction,
        0.6,
        null,
        55L,
        MODEL_TYPE_NAIVE,
        NAIVE_MODEL_NAME,
        null,
        "chop",
        0.0,
        Map.of(PRICE_R_1D, 0.01),
        "no promoted model for 1d",
        runId,
        Timestamp.from(Instant.parse("2025-02-01T03:00:00Z")),
        asOf.toString().substring(0, 7));
  }

  /** (as_of, symbol, horizon) -> "direction run_id" of every stored row. */
  static Map<String, String> stored(Warehouse w) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : w.read(Tables.FORECASTS).collectAsList()) {
      out.put(
          r.<Timestamp>getAs(AS_OF).toInstant()
              + " "
              + r.getAs(SYMBOL)
              + " "
              + r.<Integer>getAs(HORIZON_MINUTES),
          r.getAs(DIRECTION) + " " + r.getAs(RUN_ID));
    }
    return out;
  }

  @Test
  void aRunReplacesExactlyTheRowsOfItsNights() {
    SparkSession spark = TestSpark.session();
    Warehouse w =
        new Warehouse(spark, ConfigLoader.load(null, Map.of("warehouse", tmp.toString())));
    Warehouse.MergeCounts first =
        w.replaceForecasts(
            spark.createDataFrame(
                List.of(
                    row(JAN_30, "BTC-USD", 1440, UP, "r1"),
                    row(JAN_31, "BTC-USD", 1440, UP, "r1"),
                    row(JAN_31, "ETH-USD", 1440, UP, "r1"),
                    row(FEB_01, "BTC-USD", 1440, UP, "r1")),
                Schemas.FORECASTS),
            List.of(JAN_30, JAN_31, FEB_01));
    assertEquals(4, first.inserted());
    assertEquals(0, first.updated());

    // Jan 31 again: BTC changes, ETH is no longer produced, a new horizon appears.
    Warehouse.MergeCounts again =
        w.replaceForecasts(
            spark.createDataFrame(
                List.of(
                    row(JAN_31, "BTC-USD", 1440, DOWN, "r2"),
                    row(JAN_31, "BTC-USD", 10080, UP, "r2")),
                Schemas.FORECASTS),
            List.of(JAN_31));
    assertEquals(1, again.inserted());
    assertEquals(1, again.updated());
    assertEquals(first.version() + 1, again.version());
    assertEquals(
        Map.of(
            "2025-01-30T00:00:00Z BTC-USD 1440", "up r1",
            "2025-01-31T00:00:00Z BTC-USD 1440", "down r2",
            "2025-01-31T00:00:00Z BTC-USD 10080", "up r2",
            "2025-02-01T00:00:00Z BTC-USD 1440", "up r1"),
        stored(w));

    // A night that produces nothing leaves that night empty and the others alone.
    w.replaceForecasts(spark.createDataFrame(List.of(), Schemas.FORECASTS), List.of(FEB_01));
    assertEquals(
        Map.of(
            "2025-01-30T00:00:00Z BTC-USD 1440", "up r1",
            "2025-01-31T00:00:00Z BTC-USD 1440", "down r2",
            "2025-01-31T00:00:00Z BTC-USD 10080", "up r2"),
        stored(w));
  }
}
