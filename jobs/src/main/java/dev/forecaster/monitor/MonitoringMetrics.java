package dev.forecaster.monitor;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.schema.Schemas;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The rows of {@code monitoring_metrics}, as pure transforms of the outcome and forecast rows.
 * Every method returns (horizon_minutes, model_type, model_name, model_version, symbol, metric,
 * dimension, value, n, reference); a null horizon, model or symbol means "all of them". {@link
 * #stamp} adds the as-of, run id and time of the monitor run.
 */
public final class MonitoringMetrics {
  /** Accuracy of the last N matured forecasts; reference = the model's backtest accuracy. */
  public static final String ROLLING_ACCURACY = "rolling_accuracy";

  /** Brier score of prob_up over the same forecasts. */
  public static final String BRIER = "brier";

  /** Per confidence bin: observed accuracy; reference = mean confidence of the bin. */
  public static final String CALIBRATION = "calibration";

  /** Share of the forecasts made in the usage window served by the naive baseline. */
  public static final String FALLBACK_RATE = "fallback_rate";

  /** Per fallback reason (dimension): its share of the horizon's forecasts in the window. */
  public static final String FALLBACK_REASON_SHARE = "fallback_reason";

  /** Share of the ML attempts in the usage window that failed to load or to score. */
  public static final String ML_FAILURE_RATE = "ml_failure_rate";

  /** Artifact load failures the registry history recorded during the window's forecast runs. */
  public static final String ML_LOAD_FAILURES = "ml_load_failures";

  /** Population stability index of a feature (dimension), live vs training. */
  public static final String DRIFT_PSI = "drift_psi";

  /** Hours between the latest candle close of a symbol and T. */
  public static final String DATA_AGE_HOURS = "data_age_hours";

  /**
   * Share of the outcomes that matured in the usage window that cannot be scored (per horizon and
   * symbol, and per horizon); they are left out of every accuracy metric.
   */
  public static final String UNSCORABLE_RATE = "unscorable_rate";

  /**
   * Hours since a symbol's prices last received a new or corrected candle (by ingested_at);
   * reference = the same for the freshest symbol, so a symbol silent while others arrive stands out
   * from a feed that stopped as a whole.
   */
  public static final String FEED_SILENCE_HOURS = "feed_silence_hours";

  /** Per table (dimension): share of the landing rows of the night that went to quarantine. */
  public static final String QUARANTINE_SHARE = "quarantine_share";

  /** Per table (dimension): landing files of the night that could not be read as a whole. */
  public static final String UNREADABLE_FILES = "unreadable_files";

  /**
   * A fallback reason that means the promoted model was there but could not be used: its artifact
   * (or the promoted one before it) failed to load, or the row lacked the features it needs.
   */
  static final Column FAILED =
      col(FALLBACK_REASON)
          .contains("failed to load")
          .or(col(FALLBACK_REASON).startsWith("features incomplete for model"));

  private static final String RANK = "_rank";

  private MonitoringMetrics() {}

  /**
   * The last {@code window} matured outcomes with a direction, per (horizon, model version, symbol)
   * and per (horizon, model version) with symbol null, as of T (matured_at <= T).
   */
  public static Dataset<Row> recent(Dataset<Row> outcomes, Instant t, int window) {
    // Scored outcomes only: correct is null for a forecast without direction or an unscorable one.
    Dataset<Row> matured =
        outcomes.filter(col(MATURED_AT).leq(Timestamp.from(t)).and(col(CORRECT).isNotNull()));
    Dataset<Row> perSymbol =
        matured.withColumn(
            RANK,
            row_number()
                .over(
                    Window.partitionBy(
                            col(HORIZON_MINUTES),
                            col(MODEL_TYPE),
                            col(MODEL_NAME),
                            col(MODEL_VERSION),
                            col(SYMBOL))
                        .orderBy(col(AS_OF).desc(), col(LOOKBACK_DAYS))));
    Dataset<Row> overall =
        matured
            .withColumn(
                RANK,
                row_number()
                    .over(
                        Window.partitionBy(
                                col(HORIZON_MINUTES),
                                col(MODEL_TYPE),
                                col(MODEL_NAME),
                                col(MODEL_VERSION))
                            .orderBy(col(AS_OF).desc(), col(SYMBOL), col(LOOKBACK_DAYS))))
            .withColumn(SYMBOL, lit(null).cast(DataTypes.StringType));
    return perSymbol.unionByName(overall).filter(col(RANK).leq(window)).drop(RANK);
  }

  private static final Column[] MODEL_GROUP = {
    col(HORIZON_MINUTES), col(MODEL_TYPE), col(MODEL_NAME), col(MODEL_VERSION), col(SYMBOL)
  };

  /**
   * Rolling accuracy of {@link #recent} rows, next to the model's backtest accuracy.
   *
   * @param backtest (model_name, model_version, symbol, reference): the backtest ML accuracy per
   *     symbol and overall (symbol null); may hold no row for a model
   */
  public static Dataset<Row> accuracy(Dataset<Row> recent, Dataset<Row> backtest) {
    Dataset<Row> live =
        recent
            .groupBy(MODEL_GROUP)
            .agg(avg(when(col(CORRECT), 1.0).otherwise(0.0)).as(VALUE), count(lit(1)).as(N));
    Dataset<Row> reference = backtest.select(MODEL_NAME, MODEL_VERSION, SYMBOL, REFERENCE);
    Column on =
        live.col(MODEL_NAME)
            .eqNullSafe(reference.col(MODEL_NAME))
            .and(live.col(MODEL_VERSION).eqNullSafe(reference.col(MODEL_VERSION)))
            .and(live.col(SYMBOL).eqNullSafe(reference.col(SYMBOL)));
    return shape(
        live.join(reference, on, "left")
            .select(
                live.col(HORIZON_MINUTES),
                live.col(MODEL_TYPE),
                live.col(MODEL_NAME),
                live.col(MODEL_VERSION),
                live.col(SYMBOL),
                lit(ROLLING_ACCURACY).as(METRIC),
                lit(null).cast(DataTypes.StringType).as(DIMENSION),
                live.col(VALUE),
                live.col(N),
                reference.col(REFERENCE)));
  }

  /** Brier score mean((prob_up - y)^2), y = 1 for up, of {@link #recent} rows. */
  public static Dataset<Row> brier(Dataset<Row> recent) {
    Column y = when(col(REALISED_DIRECTION).equalTo(UP), 1.0).otherwise(0.0);
    Dataset<Row> rows =
        recent
            .filter(col(PROB_UP).isNotNull())
            .groupBy(MODEL_GROUP)
            .agg(avg(pow(col(PROB_UP).minus(y), 2)).as(VALUE), count(lit(1)).as(N));
    return shape(
        rows.withColumn(METRIC, lit(BRIER))
            .withColumn(DIMENSION, lit(null).cast(DataTypes.StringType))
            .withColumn(REFERENCE, lit(null).cast(DataTypes.DoubleType)));
  }

  /**
   * Calibration of {@link #recent} rows: the confidence range [0.5, 1] cut into {@code bins} equal
   * bins (the last one closed), each with its observed accuracy (value), size (n) and mean
   * confidence (reference). Dimension names the bin, e.g. {@code 0.60-0.70}.
   */
  public static Dataset<Row> calibration(Dataset<Row> recent, int bins) {
    double width = 0.5 / bins;
    Column index =
        least(floor(col(CONFIDENCE).minus(0.5).divide(width)), lit((long) bins - 1)).cast("int");
    Dataset<Row> rows =
        recent
            .filter(col(CONFIDENCE).isNotNull())
            .withColumn("_bin", index)
            .groupBy(
                col(HORIZON_MINUTES),
                col(MODEL_TYPE),
                col(MODEL_NAME),
                col(MODEL_VERSION),
                col(SYMBOL),
                col("_bin"))
            .agg(
                avg(when(col(CORRECT), 1.0).otherwise(0.0)).as(VALUE),
                count(lit(1)).as(N),
                avg(col(CONFIDENCE)).as(REFERENCE))
            .withColumn(
                DIMENSION,
                format_string(
                    "%.2f-%.2f",
                    col("_bin").multiply(width).plus(0.5),
                    col("_bin").plus(1).multiply(width).plus(0.5)))
            .withColumn(METRIC, lit(CALIBRATION));
    return shape(rows);
  }

  /** Forecast rows with {@code T - window < as_of <= T}. */
  public static Dataset<Row> madeWithin(Dataset<Row> forecasts, Instant t, Duration window) {
    return forecasts.filter(
        col(AS_OF).gt(Timestamp.from(t.minus(window))).and(col(AS_OF).leq(Timestamp.from(t))));
  }

  /**
   * Fallback rate (naive share) per horizon and symbol and per horizon, and the share of each
   * fallback reason per horizon.
   *
   * @param made forecast rows of the usage window ({@link #madeWithin})
   */
  public static Dataset<Row> usage(Dataset<Row> made) {
    Column naive = when(col(MODEL_TYPE).equalTo(MODEL_TYPE_NAIVE), 1.0).otherwise(0.0);
    Dataset<Row> perSymbol =
        made.groupBy(col(HORIZON_MINUTES), col(SYMBOL))
            .agg(avg(naive).as(VALUE), count(lit(1)).as(N));
    Dataset<Row> perHorizon =
        made.groupBy(col(HORIZON_MINUTES))
            .agg(avg(naive).as(VALUE), count(lit(1)).as(N))
            .withColumn(SYMBOL, lit(null).cast(DataTypes.StringType));
    Dataset<Row> rates =
        perSymbol
            .unionByName(perHorizon)
            .withColumn(METRIC, lit(FALLBACK_RATE))
            .withColumn(DIMENSION, lit(null).cast(DataTypes.StringType))
            .withColumn(REFERENCE, lit(null).cast(DataTypes.DoubleType));
    Dataset<Row> totals = made.groupBy(HORIZON_MINUTES).agg(count(lit(1)).as("_total"));
    Dataset<Row> reasons =
        made.filter(col(MODEL_TYPE).equalTo(MODEL_TYPE_NAIVE))
            .groupBy(col(HORIZON_MINUTES), col(FALLBACK_REASON).as(DIMENSION))
            .agg(count(lit(1)).as(N))
            .join(totals, HORIZON_MINUTES)
            .withColumn(VALUE, col(N).divide(col("_total")))
            .withColumn(SYMBOL, lit(null).cast(DataTypes.StringType))
            .withColumn(METRIC, lit(FALLBACK_REASON_SHARE))
            .withColumn(REFERENCE, lit(null).cast(DataTypes.DoubleType));
    return shape(noModel(rates)).unionByName(shape(noModel(reasons)));
  }

  /**
   * ML failure rate per horizon: among the rows of the usage window where the horizon's promoted
   * model was to be used (ML rows and rows whose model failed), the share that failed (the model,
   * or the promoted one before it, failed to load, or the row lacked its features); and the load
   * failures the registry recorded during those forecast runs, per model version.
   *
   * @param made forecast rows of the usage window
   * @param loadFailures registry history events of failed loads (horizon_minutes, model_name,
   *     version, run_id)
   */
  public static Dataset<Row> failures(Dataset<Row> made, Dataset<Row> loadFailures) {
    Column failed = coalesce(FAILED, lit(false));
    Dataset<Row> rate =
        made.filter(col(MODEL_TYPE).equalTo(MODEL_TYPE_ML).or(failed))
            .groupBy(col(HORIZON_MINUTES))
            .agg(avg(when(failed, 1.0).otherwise(0.0)).as(VALUE), count(lit(1)).as(N))
            .withColumn(SYMBOL, lit(null).cast(DataTypes.StringType))
            .withColumn(METRIC, lit(ML_FAILURE_RATE))
            .withColumn(DIMENSION, lit(null).cast(DataTypes.StringType))
            .withColumn(REFERENCE, lit(null).cast(DataTypes.DoubleType));
    Dataset<Row> runs = made.select(RUN_ID).distinct();
    Dataset<Row> loads =
        loadFailures
            .join(runs, RUN_ID)
            .groupBy(col(HORIZON_MINUTES), col(MODEL_NAME), col("version").as(MODEL_VERSION))
            .agg(count(lit(1)).as(N))
            .withColumn(VALUE, col(N).cast(DataTypes.DoubleType))
            .withColumn(MODEL_TYPE, lit(MODEL_TYPE_ML))
            .withColumn(SYMBOL, lit(null).cast(DataTypes.StringType))
            .withColumn(METRIC, lit(ML_LOAD_FAILURES))
            .withColumn(DIMENSION, lit(null).cast(DataTypes.StringType))
            .withColumn(REFERENCE, lit(null).cast(DataTypes.DoubleType));
    return shape(noModel(rate)).unionByName(shape(loads));
  }

  /**
   * Hours from each symbol's latest candle close (at or before T) to T.
   *
   * @param candles (symbol, _close_s) from {@link dev.forecaster.features.AsOfPrices#candles}
   */
  public static Dataset<Row> dataAge(Dataset<Row> candles, Instant t) {
    Dataset<Row> rows =
        candles
            .filter(col(dev.forecaster.features.AsOfPrices.CLOSE_TIME_S).leq(t.getEpochSecond()))
            .groupBy(SYMBOL)
            .agg(max(col(dev.forecaster.features.AsOfPrices.CLOSE_TIME_S)).as("_latest"))
            .withColumn(VALUE, lit(t.getEpochSecond()).minus(col("_latest")).divide(3600.0))
            .withColumn(N, lit(null).cast(DataTypes.LongType))
            .withColumn(HORIZON_MINUTES, lit(null).cast(DataTypes.IntegerType))
            .withColumn(METRIC, lit(DATA_AGE_HOURS))
            .withColumn(DIMENSION, lit(null).cast(DataTypes.StringType))
            .withColumn(REFERENCE, lit(null).cast(DataTypes.DoubleType));
    return shape(noModel(rows));
  }

  /**
   * Share of unscorable outcomes among those that matured in (T - window, T], per horizon and
   * symbol and per horizon (symbol null).
   */
  public static Dataset<Row> unscorableRate(Dataset<Row> outcomes, Instant t, Duration window) {
    Dataset<Row> recent =
        outcomes.filter(
            col(MATURED_AT)
                .gt(Timestamp.from(t.minus(window)))
                .and(col(MATURED_AT).leq(Timestamp.from(t))));
    Column unscorable = when(col(UNSCORABLE_REASON).isNotNull(), 1.0).otherwise(0.0);
    Dataset<Row> perSymbol =
        recent
            .groupBy(col(HORIZON_MINUTES), col(SYMBOL))
            .agg(avg(unscorable).as(VALUE), count(lit(1)).as(N));
    Dataset<Row> perHorizon =
        recent
            .groupBy(col(HORIZON_MINUTES))
            .agg(avg(unscorable).as(VALUE), count(lit(1)).as(N))
            .withColumn(SYMBOL, lit(null).cast(DataTypes.StringType));
    return shape(
        noModel(
            perSymbol
                .unionByName(perHorizon)
                .withColumn(METRIC, lit(UNSCORABLE_RATE))
                .withColumn(DIMENSION, lit(null).cast(DataTypes.StringType))
                .withColumn(REFERENCE, lit(null).cast(DataTypes.DoubleType))));
  }

  /**
   * Hours from each symbol's latest delivery (max ingested_at of its candles) to T, never negative
   * (a backfill runs after its as-of); reference = the smallest of them.
   *
   * @param prices candles of the recent past (the prices table)
   */
  public static Dataset<Row> feedSilence(Dataset<Row> prices, Instant t) {
    Dataset<Row> hours =
        prices
            .groupBy(SYMBOL)
            .agg(max(col(INGESTED_AT)).as("_last"))
            .withColumn(
                VALUE,
                greatest(
                    lit(0.0),
                    lit(t.getEpochSecond()).minus(unix_seconds(col("_last"))).divide(3600.0)));
    Dataset<Row> freshest = hours.agg(min(col(VALUE)).as(REFERENCE));
    return shape(
        noModel(
            hours
                .crossJoin(freshest)
                .withColumn(N, lit(null).cast(DataTypes.LongType))
                .withColumn(HORIZON_MINUTES, lit(null).cast(DataTypes.IntegerType))
                .withColumn(METRIC, lit(FEED_SILENCE_HOURS))
                .withColumn(DIMENSION, lit(null).cast(DataTypes.StringType))));
  }

  /**
   * Per table (dimension): the share of the night's landing rows that went to quarantine (value; n
   * = rows read) and the number of files that could not be read at all. The night's files are those
   * the nightly of T ingested, and those a plain ingest took in (T - window, T].
   *
   * @param ledger the ingested_files table
   */
  public static Dataset<Row> quarantineShare(Dataset<Row> ledger, Instant t, Duration window) {
    Dataset<Row> night =
        ledger.filter(
            col(NIGHT)
                .equalTo(Timestamp.from(t))
                .or(
                    col(NIGHT)
                        .isNull()
                        .and(col(INGESTED_AT).gt(Timestamp.from(t.minus(window))))
                        .and(col(INGESTED_AT).leq(Timestamp.from(t)))));
    Dataset<Row> perTable =
        night
            .groupBy(col(TABLE).as(DIMENSION))
            .agg(
                sum(col(ROWS_READ)).as("_read"),
                sum(col(ROWS_QUARANTINED)).as("_quarantined"),
                count(col(FILE_PROBLEM)).as("_unreadable"));
    Dataset<Row> share =
        perTable
            .filter(col("_read").gt(0))
            .withColumn(VALUE, col("_quarantined").divide(col("_read")))
            .withColumn(N, col("_read"))
            .withColumn(METRIC, lit(QUARANTINE_SHARE));
    Dataset<Row> unreadable =
        perTable
            .withColumn(VALUE, col("_unreadable").cast(DataTypes.DoubleType))
            .withColumn(N, col("_unreadable"))
            .withColumn(METRIC, lit(UNREADABLE_FILES));
    return shape(
        noModel(
            share
                .unionByName(unreadable)
                .withColumn(SYMBOL, lit(null).cast(DataTypes.StringType))
                .withColumn(HORIZON_MINUTES, lit(null).cast(DataTypes.IntegerType))
                .withColumn(REFERENCE, lit(null).cast(DataTypes.DoubleType))));
  }

  /** Adds the monitor run's as-of, id and time: rows of the monitoring_metrics schema. */
  public static Dataset<Row> stamp(
      Dataset<Row> metrics, Instant asOf, String runId, Instant createdAt) {
    return metrics
        .withColumn(AS_OF, lit(Timestamp.from(asOf)))
        .withColumn(RUN_ID, lit(runId))
        .withColumn(CREATED_AT, lit(Timestamp.from(createdAt)))
        .select(
            Arrays.stream(Schemas.MONITORING_METRICS.fieldNames())
                .map(c -> col(c))
                .toArray(Column[]::new));
  }

  private static Dataset<Row> noModel(Dataset<Row> rows) {
    Dataset<Row> out = rows;
    for (String c : new String[] {MODEL_TYPE, MODEL_NAME, MODEL_VERSION}) {
      out = out.withColumn(c, lit(null).cast(DataTypes.StringType));
    }
    return out;
  }

  /** The common column order and types of every metric frame. */
  static Dataset<Row> shape(Dataset<Row> rows) {
    return rows.select(
        col(HORIZON_MINUTES).cast(DataTypes.IntegerType).as(HORIZON_MINUTES),
        col(MODEL_TYPE).cast(DataTypes.StringType).as(MODEL_TYPE),
        col(MODEL_NAME).cast(DataTypes.StringType).as(MODEL_NAME),
        col(MODEL_VERSION).cast(DataTypes.StringType).as(MODEL_VERSION),
        col(SYMBOL).cast(DataTypes.StringType).as(SYMBOL),
        col(METRIC),
        col(DIMENSION).cast(DataTypes.StringType).as(DIMENSION),
        col(VALUE).cast(DataTypes.DoubleType).as(VALUE),
        col(N).cast(DataTypes.LongType).as(N),
        col(REFERENCE).cast(DataTypes.DoubleType).as(REFERENCE));
  }
}
