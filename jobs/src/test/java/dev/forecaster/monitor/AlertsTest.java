package dev.forecaster.monitor;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.schema.Schemas;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** {@link Alerts}: each threshold at the seed defaults, just breached and just not. */
class AlertsTest {
  static final Instant T = Instant.parse("2025-01-13T00:00:00Z");
  static final ForecasterConfig.Alerts DEFAULTS =
      new ForecasterConfig.Alerts(
          0.70,
          List.of(10_080),
          100,
          0.05,
          0.10,
          0.2,
          Duration.ofDays(2),
          Duration.ofDays(2),
          0.05);

  static Row metric(
      String metric,
      Integer h,
      String version,
      String symbol,
      String dimension,
      double value,
      Long n,
      Double reference) {
    return RowFactory.create(
        Timestamp.from(T),
        h,
        version == null ? null : MODEL_TYPE_ML,
        version == null ? null : "m",
        version,
        symbol,
        metric,
        dimension,
        value,
        n,
        reference,
        "run",
        Timestamp.from(T));
  }

  static List<String> fired(Row... metrics) {
    Dataset<Row> rows =
        TestSpark.session().createDataFrame(List.of(metrics), Schemas.MONITORING_METRICS);
    List<String> out = new ArrayList<>();
    for (Row r : Alerts.of(rows, DEFAULTS).collectAsList()) {
      out.add(r.getAs(ALERT) + " " + r.getAs(VALUE) + ": " + r.getAs(MESSAGE));
    }
    out.sort(null);
    return out;
  }

  @Test
  void accuracyBelow70PercentOverAFull100ForecastWindowOf7dForecasts() {
    String r = MonitoringMetrics.ROLLING_ACCURACY;
    assertEquals(
        List.of(
            "accuracy_low 0.69: 7d accuracy 69.0% over the last 100 matured forecasts of m:v1"
                + " (all symbols) is below 70.0%; its backtest accuracy was 75.0%"),
        fired(
            metric(r, 10_080, "v1", null, null, 0.69, 100L, 0.75),
            metric(r, 10_080, "v1", "A-USD", null, 0.70, 100L, null), // not below
            metric(r, 10_080, "v1", "B-USD", null, 0.50, 99L, null), // window not full
            metric(r, 1440, "v1", null, null, 0.50, 100L, null))); // 1d is not watched
  }

  @Test
  void mlFailureRateAbove5Percent() {
    String r = MonitoringMetrics.ML_FAILURE_RATE;
    List<String> alerts =
        fired(
            metric(r, 10_080, null, null, null, 0.06, 50L, null),
            metric(r, 1440, null, null, null, 0.05, 40L, null));
    assertEquals(1, alerts.size());
    assertEquals(
        "ml_failure_rate_high 0.06: 7d: 6.0% of 50 ML forecasts failed to load or score (limit"
            + " 5.0%); see fallback_reason in forecasts and `forecaster models show`",
        alerts.get(0));
  }

  @Test
  void fallbackRateAbove10PercentPerHorizon() {
    String r = MonitoringMetrics.FALLBACK_RATE;
    List<String> alerts =
        fired(
            metric(r, 10_080, null, null, null, 0.11, 100L, null),
            metric(r, 1440, null, null, null, 0.10, 100L, null), // not above
            metric(r, 1440, null, "A-USD", null, 0.90, 10L, null)); // per symbol: not alerted
    assertEquals(1, alerts.size());
    assertEquals(true, alerts.get(0).startsWith("fallback_rate_high 0.11: 7d: 11.0% of 100"));
  }

  @Test
  void driftPsiAbove02() {
    String r = MonitoringMetrics.DRIFT_PSI;
    List<String> alerts =
        fired(
            metric(r, 10_080, "v1", null, "price_vol_7d", 0.21, 30L, null),
            metric(r, 10_080, "v1", null, "price_r_1d", 0.20, 30L, null));
    assertEquals(
        List.of(
            "drift_high 0.21: feature price_vol_7d drifted from the training distribution of m:v1:"
                + " PSI 0.210 over 30 live forecasts (limit 0.20); consider a retrain"),
        alerts);
  }

  @Test
  void dataOlderThanTwoDays() {
    String r = MonitoringMetrics.DATA_AGE_HOURS;
    assertEquals(
        List.of(
            "data_stale 49.0: A-USD: latest candle closed 49.0 h before the as-of (limit 48.0 h);"
                + " check the price feed and the landing folder"),
        fired(
            metric(r, null, null, "A-USD", null, 49.0, null, null),
            metric(r, null, null, "B-USD", null, 48.0, null, null)));
  }
}
