package dev.forecaster.monitor;

import static dev.forecaster.monitor.MetricsFixture.H7;
import static dev.forecaster.monitor.MetricsFixture.outcome;
import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forecaster.TestSpark;
import dev.forecaster.features.AsOfPrices;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@link MonitoringMetrics} over hand tables. Outcomes of the 7-day model m:v1 at T = 2025-01-13
 * (matured: as-ofs up to 01-06), window 4:
 *
 * <pre>
 *   day  A: forecast conf  prob_up realised correct   B: forecast conf prob_up realised correct
 *   1       up       0.90  0.90    up       yes
 *   2       up       0.60  0.60    down     no
 *   3       down     0.83  0.17    down     yes
 *   4       up       0.72  0.72    up       yes
 *   5       up       0.56  0.56    down     no          up      0.60  0.60   down     no
 *   6       down     0.74  0.26    up       no          down    0.90  0.10   down     yes
 *   7       up       0.90  (matures 01-14, after T)
 * </pre>
 *
 * plus C-USD at day 5 with no direction (never scored).
 */
class MonitoringMetricsTest {
  static final Instant T = Instant.parse("2025-01-13T00:00:00Z");

  static Dataset<Row> outcomes() {
    return MetricsFixture.frame(
        List.of(
            outcome(1, "A-USD", UP, 0.90, UP),
            outcome(2, "A-USD", UP, 0.60, DOWN),
            outcome(3, "A-USD", DOWN, 0.83, DOWN),
            outcome(4, "A-USD", UP, 0.72, UP),
            outcome(5, "A-USD", UP, 0.56, DOWN),
            outcome(6, "A-USD", DOWN, 0.74, UP),
            outcome(7, "A-USD", UP, 0.90, UP),
            outcome(5, "B-USD", UP, 0.60, DOWN),
            outcome(6, "B-USD", DOWN, 0.90, DOWN),
            outcome(5, "C-USD", null, 0.0, UP)),
        MetricsFixture.OUTCOMES);
  }

  static final StructType BACKTEST = MonitorJob.BACKTEST_REFERENCE;

  /** symbol (or "all") -> row of one metric. */
  static Map<String, Row> bySymbol(Dataset<Row> metrics, String metric) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : metrics.filter(metrics.col(METRIC).equalTo(metric)).collectAsList()) {
      String symbol = r.getAs(SYMBOL);
      String key =
          (symbol == null ? "all" : symbol)
              + (r.getAs(DIMENSION) == null ? "" : "/" + r.getAs(DIMENSION));
      if (out.put(key, r) != null) {
        throw new AssertionError("two rows for " + key);
      }
    }
    return out;
  }

  @Test
  void rollingAccuracyOfTheLastNMaturedForecastsNextToTheBacktest() {
    Dataset<Row> recent = MonitoringMetrics.recent(outcomes(), T, 4);
    Dataset<Row> backtest =
        TestSpark.session()
            .createDataFrame(
                List.of(
                    RowFactory.create("m", "v1", null, 0.6),
                    RowFactory.create("m", "v1", "A-USD", 0.7)),
                BACKTEST);
    Map<String, Row> rows =
        bySymbol(MonitoringMetrics.accuracy(recent, backtest), MonitoringMetrics.ROLLING_ACCURACY);
    // C-USD never forecast a direction: no row. Day 7 has not matured at T.
    assertEquals(List.of("A-USD", "B-USD", "all"), List.copyOf(rows.keySet()));
    // A: days 3..6 = yes, yes, no, no -> 2/4.
    assertEquals(0.5, rows.get("A-USD").<Double>getAs(VALUE), 0.0);
    assertEquals(4L, rows.get("A-USD").<Long>getAs(N));
    assertEquals(0.7, rows.get("A-USD").<Double>getAs(REFERENCE), 0.0);
    assertEquals(H7, rows.get("A-USD").<Integer>getAs(HORIZON_MINUTES));
    assertEquals("v1", rows.get("A-USD").getAs(MODEL_VERSION));
    // B: days 5, 6 = no, yes -> 1/2; no backtest line for B.
    assertEquals(0.5, rows.get("B-USD").<Double>getAs(VALUE), 0.0);
    assertEquals(2L, rows.get("B-USD").<Long>getAs(N));
    assertNull(rows.get("B-USD").getAs(REFERENCE));
    // All symbols, newest first: 6A no, 6B yes, 5A no, 5B no -> 1/4.
    assertEquals(0.25, rows.get("all").<Double>getAs(VALUE), 0.0);
    assertEquals(4L, rows.get("all").<Long>getAs(N));
    assertEquals(0.6, rows.get("all").<Double>getAs(REFERENCE), 0.0);
  }

  @Test
  void brierScoreOfTheStatedProbabilityOfUp() {
    Map<String, Row> rows =
        bySymbol(
            MonitoringMetrics.brier(MonitoringMetrics.recent(outcomes(), T, 4)),
            MonitoringMetrics.BRIER);
    // A: 0.17^2 + (0.72 - 1)^2 + 0.56^2 + (0.26 - 1)^2 = 0.0289 + 0.0784 + 0.3136 + 0.5476 = 0.9685
    assertEquals(0.9685 / 4, rows.get("A-USD").<Double>getAs(VALUE), 1e-12);
    // all: (0.26 - 1)^2 + 0.1^2 + 0.56^2 + 0.6^2 = 0.5476 + 0.01 + 0.3136 + 0.36 = 1.2312
    assertEquals(1.2312 / 4, rows.get("all").<Double>getAs(VALUE), 1e-12);
    assertEquals(4L, rows.get("all").<Long>getAs(N));
  }

  @Test
  void calibrationByConfidenceBin() {
    Map<String, Row> rows =
        bySymbol(
            MonitoringMetrics.calibration(MonitoringMetrics.recent(outcomes(), T, 4), 5),
            MonitoringMetrics.CALIBRATION);
    // A's last 4: 0.83 -> 0.80-0.90, 0.72 and 0.74 -> 0.70-0.80, 0.56 -> 0.50-0.60.
    assertEquals(
        List.of("A-USD/0.50-0.60", "A-USD/0.70-0.80", "A-USD/0.80-0.90"),
        rows.keySet().stream().filter(k -> k.startsWith("A-USD")).toList());
    Row bin = rows.get("A-USD/0.70-0.80");
    assertEquals(0.5, bin.<Double>getAs(VALUE), 0.0); // 0.72 right, 0.74 wrong
    assertEquals(2L, bin.<Long>getAs(N));
    assertEquals(0.73, bin.<Double>getAs(REFERENCE), 1e-12); // mean confidence
    assertEquals(1.0, rows.get("A-USD/0.80-0.90").<Double>getAs(VALUE), 0.0);
  }

  static Row forecast(String day, String symbol, String type, String reason, String run) {
    return RowFactory.create(
        Timestamp.from(Instant.parse(day + "T00:00:00Z")), symbol, 1440, type, reason, run);
  }

  static final StructType FORECASTS =
      new StructType()
          .add(AS_OF, DataTypes.TimestampType)
          .add(SYMBOL, DataTypes.StringType)
          .add(HORIZON_MINUTES, DataTypes.IntegerType)
          .add(MODEL_TYPE, DataTypes.StringType)
          .add(FALLBACK_REASON, DataTypes.StringType)
          .add(RUN_ID, DataTypes.StringType);

  /**
   * 1-day forecasts: T (2025-01-13) A ml, B ml after v2 failed to load (v1 used); 01-12 A naive
   * (features incomplete), B naive (no promoted model); 01-05 A naive, outside the 7-day window.
   */
  static Dataset<Row> made() {
    Dataset<Row> forecasts =
        MetricsFixture.frame(
            List.of(
                forecast("2025-01-13", "A-USD", MODEL_TYPE_ML, null, "r1"),
                forecast(
                    "2025-01-13",
                    "B-USD",
                    MODEL_TYPE_ML,
                    "model m:v2 failed to load: boom; using m:v1",
                    "r1"),
                forecast(
                    "2025-01-12",
                    "A-USD",
                    MODEL_TYPE_NAIVE,
                    "features incomplete for model m:v1: price_r_7d is null",
                    "r0"),
                forecast("2025-01-12", "B-USD", MODEL_TYPE_NAIVE, "no promoted model for 1d", "r0"),
                forecast(
                    "2025-01-05", "A-USD", MODEL_TYPE_NAIVE, "no promoted model for 1d", "old")),
            FORECASTS);
    return MonitoringMetrics.madeWithin(forecasts, T, Duration.ofDays(7));
  }

  @Test
  void fallbackRateAndReasonsOverTheUsageWindow() {
    Dataset<Row> usage = MonitoringMetrics.usage(made());
    Map<String, Row> rates = bySymbol(usage, MonitoringMetrics.FALLBACK_RATE);
    // 2 naive of the 4 rows in (01-06, 01-13]; per symbol 1 of 2.
    assertEquals(0.5, rates.get("all").<Double>getAs(VALUE), 0.0);
    assertEquals(4L, rates.get("all").<Long>getAs(N));
    assertEquals(0.5, rates.get("A-USD").<Double>getAs(VALUE), 0.0);
    assertEquals(2L, rates.get("A-USD").<Long>getAs(N));
    Map<String, Row> reasons = bySymbol(usage, MonitoringMetrics.FALLBACK_REASON_SHARE);
    assertEquals(0.25, reasons.get("all/no promoted model for 1d").<Double>getAs(VALUE), 0.0);
    assertEquals(1L, reasons.get("all/no promoted model for 1d").<Long>getAs(N));
    assertEquals(2, reasons.size());
  }

  @Test
  void mlFailureRateAndTheRegistrysLoadFailuresOfTheWindowsRuns() {
    StructType history =
        new StructType()
            .add(HORIZON_MINUTES, DataTypes.IntegerType)
            .add(MODEL_NAME, DataTypes.StringType)
            .add("version", DataTypes.StringType)
            .add(RUN_ID, DataTypes.StringType);
    Dataset<Row> loads =
        MetricsFixture.frame(
            List.of(
                RowFactory.create(1440, "m", "v2", "r1"),
                RowFactory.create(1440, "m", "v2", "old")),
            history);
    Dataset<Row> failures = MonitoringMetrics.failures(made(), loads);
    // Attempts: A ml, B ml (after a failed load), A features incomplete = 3; failed: the last two.
    Row rate = bySymbol(failures, MonitoringMetrics.ML_FAILURE_RATE).get("all");
    assertEquals(2.0 / 3, rate.<Double>getAs(VALUE), 1e-12);
    assertEquals(3L, rate.<Long>getAs(N));
    // Only run r1 is in the window.
    Row load = bySymbol(failures, MonitoringMetrics.ML_LOAD_FAILURES).get("all");
    assertEquals(1.0, load.<Double>getAs(VALUE), 0.0);
    assertEquals("v2", load.getAs(MODEL_VERSION));
  }

  @Test
  void dataAgeIsTheTimeSinceTheLatestCandleKnownAtT() {
    StructType schema =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(AsOfPrices.CLOSE_TIME_S, DataTypes.LongType);
    long t = T.getEpochSecond();
    Dataset<Row> candles =
        MetricsFixture.frame(
            List.of(
                RowFactory.create("A-USD", t - 3600),
                RowFactory.create("A-USD", t + 3600), // not closed at T
                RowFactory.create("B-USD", t - 3 * 86_400)),
            schema);
    Map<String, Row> age =
        bySymbol(MonitoringMetrics.dataAge(candles, T), MonitoringMetrics.DATA_AGE_HOURS);
    assertEquals(1.0, age.get("A-USD").<Double>getAs(VALUE), 0.0);
    assertEquals(72.0, age.get("B-USD").<Double>getAs(VALUE), 0.0);
  }
}
