package dev.forecaster.monitor;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.schema.Schemas;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The threshold breaches among the monitoring metrics of one run: the rows of {@code alerts}.
 * Thresholds come from {@code forecaster.monitor.alerts}.
 */
public final class Alerts {
  public static final String ACCURACY_LOW = "accuracy_low";
  public static final String ML_FAILURE_RATE_HIGH = "ml_failure_rate_high";
  public static final String FALLBACK_RATE_HIGH = "fallback_rate_high";
  public static final String DRIFT_HIGH = "drift_high";
  public static final String DATA_STALE = "data_stale";
  public static final String FEED_SILENT = "feed_silent";
  public static final String QUARANTINE_SPIKE = "quarantine_spike";
  public static final String UNREADABLE_FILE = "landing_file_unreadable";

  private Alerts() {}

  /**
   * @param metrics rows of the monitoring_metrics schema (one as-of)
   */
  public static Dataset<Row> of(Dataset<Row> metrics, ForecasterConfig.Alerts thresholds) {
    Column metric = col(METRIC);
    Column h = col(HORIZON_MINUTES);
    Column model =
        concat(
            coalesce(col(MODEL_NAME), lit("all models")),
            when(col(MODEL_VERSION).isNotNull(), concat(lit(":"), col(MODEL_VERSION)))
                .otherwise(lit("")));
    Column symbol = coalesce(col(SYMBOL), lit("all symbols"));
    Column horizon = concat(h.divide(1440).cast("int").cast("string"), lit("d"));
    Column horizonLabel =
        when(h.isNull(), lit("all horizons"))
            .when(h.mod(1440).equalTo(0), horizon)
            .otherwise(concat(h.cast("string"), lit(" min")));

    Dataset<Row> accuracy =
        breach(
            metrics.filter(
                metric
                    .equalTo(MonitoringMetrics.ROLLING_ACCURACY)
                    .and(h.isin(thresholds.accuracyHorizons().toArray()))
                    .and(col(N).geq(thresholds.minForecasts()))
                    .and(col(VALUE).lt(thresholds.minAccuracy()))),
            ACCURACY_LOW,
            thresholds.minAccuracy(),
            format_string(
                "%s accuracy %.1f%% over the last %d matured forecasts of %s (%s) is below"
                    + " %.1f%%%s",
                horizonLabel,
                col(VALUE).multiply(100),
                col(N),
                model,
                symbol,
                lit(thresholds.minAccuracy() * 100),
                when(
                        col(REFERENCE).isNotNull(),
                        format_string(
                            "; its backtest accuracy was %.1f%%", col(REFERENCE).multiply(100)))
                    .otherwise(lit(""))));
    Dataset<Row> failures =
        breach(
            metrics.filter(
                metric
                    .equalTo(MonitoringMetrics.ML_FAILURE_RATE)
                    .and(col(VALUE).gt(thresholds.maxMlFailureRate()))),
            ML_FAILURE_RATE_HIGH,
            thresholds.maxMlFailureRate(),
            format_string(
                "%s: %.1f%% of %d ML forecasts failed to load or score (limit %.1f%%); see"
                    + " fallback_reason in forecasts and `forecaster models show`",
                horizonLabel,
                col(VALUE).multiply(100),
                col(N),
                lit(thresholds.maxMlFailureRate() * 100)));
    Dataset<Row> fallback =
        breach(
            metrics.filter(
                metric
                    .equalTo(MonitoringMetrics.FALLBACK_RATE)
                    .and(col(SYMBOL).isNull())
                    .and(col(VALUE).gt(thresholds.maxFallbackRate()))),
            FALLBACK_RATE_HIGH,
            thresholds.maxFallbackRate(),
            format_string(
                "%s: %.1f%% of %d forecasts came from the naive baseline (limit %.1f%%); the"
                    + " fallback_reason metrics say why",
                horizonLabel,
                col(VALUE).multiply(100),
                col(N),
                lit(thresholds.maxFallbackRate() * 100)));
    Dataset<Row> drift =
        breach(
            metrics.filter(
                metric
                    .equalTo(MonitoringMetrics.DRIFT_PSI)
                    .and(col(VALUE).gt(thresholds.maxDriftPsi()))),
            DRIFT_HIGH,
            thresholds.maxDriftPsi(),
            format_string(
                "feature %s drifted from the training distribution of %s: PSI %.3f over %d live"
                    + " forecasts (limit %.2f); consider a retrain",
                col(DIMENSION), model, col(VALUE), col(N), lit(thresholds.maxDriftPsi())));
    double maxHours = thresholds.maxDataAge().toSeconds() / 3600.0;
    Dataset<Row> stale =
        breach(
            metrics.filter(
                metric.equalTo(MonitoringMetrics.DATA_AGE_HOURS).and(col(VALUE).gt(maxHours))),
            DATA_STALE,
            maxHours,
            format_string(
                "%s: latest candle closed %.1f h before the as-of (limit %.1f h); check the"
                    + " price feed and the landing folder",
                symbol, col(VALUE), lit(maxHours)));
    double silentHours = thresholds.maxFeedSilence().toSeconds() / 3600.0;
    Dataset<Row> silent =
        breach(
            metrics.filter(
                metric
                    .equalTo(MonitoringMetrics.FEED_SILENCE_HOURS)
                    .and(col(VALUE).gt(silentHours))
                    .and(col(REFERENCE).leq(silentHours))),
            FEED_SILENT,
            silentHours,
            format_string(
                "%s vanished from the landing feed: no new candle for %.1f h while other symbols"
                    + " arrived (limit %.1f h); delisted, renamed, or dropped by the feed?",
                symbol, col(VALUE), lit(silentHours)));
    Dataset<Row> spike =
        breach(
            metrics.filter(
                metric
                    .equalTo(MonitoringMetrics.QUARANTINE_SHARE)
                    .and(col(VALUE).gt(thresholds.maxQuarantineShare()))),
            QUARANTINE_SPIKE,
            thresholds.maxQuarantineShare(),
            format_string(
                "%s: %.1f%% of the %d landing rows of the night went to quarantine (limit %.1f%%);"
                    + " the quarantine table has each row with its reason",
                col(DIMENSION),
                col(VALUE).multiply(100),
                col(N),
                lit(thresholds.maxQuarantineShare() * 100)));
    Dataset<Row> unreadable =
        breach(
            metrics.filter(
                metric.equalTo(MonitoringMetrics.UNREADABLE_FILES).and(col(VALUE).gt(0))),
            UNREADABLE_FILE,
            0,
            format_string(
                "%s: %d landing file(s) of the night could not be read at all (quarantined with"
                    + " line_number 0 and the reason); fix and re-deliver them under a new name",
                col(DIMENSION), col(N)));
    return accuracy
        .unionByName(failures)
        .unionByName(fallback)
        .unionByName(drift)
        .unionByName(stale)
        .unionByName(silent)
        .unionByName(spike)
        .unionByName(unreadable);
  }

  private static Dataset<Row> breach(
      Dataset<Row> rows, String alert, double threshold, Column message) {
    return rows.withColumn(ALERT, lit(alert))
        .withColumn(THRESHOLD, lit(threshold))
        .withColumn(MESSAGE, message)
        .select(Arrays.stream(Schemas.ALERTS.fieldNames()).map(c -> col(c)).toArray(Column[]::new));
  }
}
