package dev.forecaster.monitor;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Feature drift as the population stability index: for each feature, the live values are put into
 * the bins of the model's training distribution (its decile edges, saved in metadata.json at
 * training time) and {@code PSI = sum over bins of (a - e) * ln(a / e)}, with a and e the live and
 * training shares of the bin, each floored at {@link #MIN_SHARE} so that an empty bin counts as a
 * large shift instead of an infinite one. Values are taken as the model sees them: null is 0.0.
 */
public final class Drift {
  /** Floor of a bin share in the PSI sum. */
  public static final double MIN_SHARE = 1e-4;

  /** Bin columns: (model_name, model_version, feature, bin, lower, upper, expected). */
  public static final String FEATURE = "feature";

  public static final String BIN = "bin";
  public static final String LOWER = "lower";
  public static final String UPPER = "upper";
  public static final String EXPECTED = "expected";

  private Drift() {}

  /**
   * One row per feature value of each ML forecast: (horizon_minutes, model_name, model_version,
   * feature, value), from the forecasts' {@code features} map, null as 0.0.
   */
  public static Dataset<Row> liveValues(Dataset<Row> mlForecasts) {
    return mlForecasts
        .select(
            col(HORIZON_MINUTES),
            col(MODEL_NAME),
            col(MODEL_VERSION),
            explode(col(FEATURES_MAP)).as(new String[] {FEATURE, "_v"}))
        .select(
            col(HORIZON_MINUTES),
            col(MODEL_NAME),
            col(MODEL_VERSION),
            col(FEATURE),
            coalesce(col("_v"), lit(0.0)).as(VALUE));
  }

  /**
   * PSI per (horizon, model version, feature) of the live values against the training bins. A
   * feature with no training bins (a model trained before distributions were saved) gets no row.
   *
   * @param live from {@link #liveValues}
   * @param bins (model_name, model_version, feature, bin, lower, upper, expected): bin k holds
   *     {@code lower < v <= upper}, a null bound being unbounded
   */
  public static Dataset<Row> psi(Dataset<Row> live, Dataset<Row> bins) {
    Dataset<Row> l = live.as("l");
    Dataset<Row> b = bins.as("b");
    Column sameFeature =
        col("l." + MODEL_NAME)
            .equalTo(col("b." + MODEL_NAME))
            .and(col("l." + MODEL_VERSION).equalTo(col("b." + MODEL_VERSION)))
            .and(col("l." + FEATURE).equalTo(col("b." + FEATURE)));
    Column inBin =
        sameFeature
            .and(col("b." + LOWER).isNull().or(col("l." + VALUE).gt(col("b." + LOWER))))
            .and(col("b." + UPPER).isNull().or(col("l." + VALUE).leq(col("b." + UPPER))));
    Dataset<Row> counts =
        l.join(b, inBin)
            .groupBy(
                col("l." + HORIZON_MINUTES).as(HORIZON_MINUTES),
                col("l." + MODEL_NAME).as(MODEL_NAME),
                col("l." + MODEL_VERSION).as(MODEL_VERSION),
                col("l." + FEATURE).as(FEATURE),
                col("b." + BIN).as(BIN))
            .agg(count(lit(1)).as("_count"));
    Dataset<Row> totals =
        live.groupBy(HORIZON_MINUTES, MODEL_NAME, MODEL_VERSION, FEATURE).agg(count(lit(1)).as(N));
    Dataset<Row> everyBin = totals.join(bins, new String[] {MODEL_NAME, MODEL_VERSION, FEATURE});
    Column actual = greatest(coalesce(col("_count"), lit(0L)).divide(col(N)), lit(MIN_SHARE));
    Column expected = greatest(col(EXPECTED), lit(MIN_SHARE));
    Dataset<Row> rows =
        everyBin
            .join(
                counts,
                new String[] {HORIZON_MINUTES, MODEL_NAME, MODEL_VERSION, FEATURE, BIN},
                "left")
            .groupBy(HORIZON_MINUTES, MODEL_NAME, MODEL_VERSION, FEATURE)
            .agg(
                sum(actual.minus(expected).multiply(log(actual.divide(expected)))).as(VALUE),
                first(col(N)).as(N));
    return MonitoringMetrics.shape(
        rows.withColumn(MODEL_TYPE, lit(MODEL_TYPE_ML))
            .withColumn(SYMBOL, lit(null).cast(DataTypes.StringType))
            .withColumn(METRIC, lit(MonitoringMetrics.DRIFT_PSI))
            .withColumnRenamed(FEATURE, DIMENSION)
            .withColumn(REFERENCE, lit(null).cast(DataTypes.DoubleType)));
  }
}
