package dev.forecaster.forecast;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.features.AsOfPrices;
import dev.forecaster.features.PriceFeatures;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * The naive baseline of FORECASTING.md section 4, for every (symbol, as-of) of a grid and every
 * horizon: the historical h-returns {@code R_j = d_j / P*(t - j·d - h) - 1} for j = 0, 1, ... while
 * {@code t - j·d - h >= t - L·d}, null R_j skipped. Also yields {@code mean(|R_j|)}, the scale of
 * the ML forecast's expected return (section 5).
 */
public final class NaiveBaseline {
  public static final String NAIVE_EXPECTED_RETURN = "naive_expected_return";
  public static final String NAIVE_DIRECTION = "naive_direction";
  public static final String NAIVE_CONFIDENCE = "naive_confidence";
  public static final String NAIVE_N_RETURNS = "naive_n_returns";
  public static final String MEAN_ABS_RETURN = "mean_abs_return";

  /** Why there is no naive forecast (null when there is one). */
  public static final String NAIVE_MISSING_REASON = "naive_missing_reason";

  /** A naive forecast needs at least this many non-null R_j. */
  public static final int MIN_RETURNS = 2;

  private static final long DAY = 86_400L;

  private NaiveBaseline() {}

  /**
   * @param candles {@link AsOfPrices#candles} of the prices
   * @param grid (symbol, _t0): as-ofs in epoch seconds ({@link AsOfPrices#grid})
   */
  public static Dataset<Row> compute(
      Dataset<Row> candles,
      Dataset<Row> grid,
      List<Integer> horizonsMinutes,
      int lookbackDays,
      long stalenessSeconds) {
    Dataset<Row> horizons =
        grid.sparkSession()
            .createDataset(horizonsMinutes, Encoders.INT())
            .toDF(HORIZON_MINUTES)
            // Largest j with j·d + h <= L·d; negative when the horizon exceeds the lookback.
            .withColumn(
                "_j_max",
                floor(
                    lit(lookbackDays * DAY).minus(col(HORIZON_MINUTES).multiply(60L)).divide(DAY)));
    Dataset<Row> pairs =
        grid.select(col(SYMBOL), col(PriceFeatures.T0))
            .crossJoin(horizons)
            .withColumn(
                "_j",
                explode_outer(
                    when(col("_j_max").geq(0), sequence(lit(0L), col("_j_max").cast("long")))))
            .withColumn("_at_d", col(PriceFeatures.T0).minus(col("_j").multiply(DAY)))
            .withColumn("_at_h", col("_at_d").minus(col(HORIZON_MINUTES).multiply(60L)));
    Dataset<Row> queries =
        pairs
            .select(col(SYMBOL), col("_at_d").as(AsOfPrices.AT_S))
            .unionByName(pairs.select(col(SYMBOL), col("_at_h").as(AsOfPrices.AT_S)))
            .filter(col(AsOfPrices.AT_S).isNotNull());
    Dataset<Row> prices =
        AsOfPrices.at(candles, queries, stalenessSeconds)
            .select(SYMBOL, AsOfPrices.AT_S, AsOfPrices.PRICE);
    Column r = col("_p_d").divide(col("_p_h")).minus(1);
    Dataset<Row> returns =
        pairs
            .join(
                prices
                    .withColumnRenamed(AsOfPrices.AT_S, "_at_d")
                    .withColumnRenamed(AsOfPrices.PRICE, "_p_d"),
                new String[] {SYMBOL, "_at_d"},
                "left")
            .join(
                prices
                    .withColumnRenamed(AsOfPrices.AT_S, "_at_h")
                    .withColumnRenamed(AsOfPrices.PRICE, "_p_h"),
                new String[] {SYMBOL, "_at_h"},
                "left")
            .withColumn("_r", r);
    Dataset<Row> aggregated =
        returns
            .groupBy(SYMBOL, PriceFeatures.T0, HORIZON_MINUTES)
            .agg(
                count(col("_r")).as(NAIVE_N_RETURNS),
                avg(col("_r")).as("_mean"),
                sum(when(col("_r").gt(0), 1L).otherwise(0L)).as("_n_up"),
                avg(abs(col("_r"))).as(MEAN_ABS_RETURN));
    Column enough = col(NAIVE_N_RETURNS).geq(MIN_RETURNS);
    Column up = col("_mean").gt(0);
    return aggregated.select(
        col(SYMBOL),
        col(PriceFeatures.T0).cast("timestamp").as(AS_OF),
        col(HORIZON_MINUTES),
        lit(lookbackDays).as(LOOKBACK_DAYS),
        when(enough, col("_mean")).as(NAIVE_EXPECTED_RETURN),
        when(enough, when(up, lit(UP)).otherwise(lit(DOWN))).as(NAIVE_DIRECTION),
        when(
                enough,
                when(up, col("_n_up"))
                    .otherwise(col(NAIVE_N_RETURNS).minus(col("_n_up")))
                    .divide(col(NAIVE_N_RETURNS)))
            .as(NAIVE_CONFIDENCE),
        col(NAIVE_N_RETURNS),
        col(MEAN_ABS_RETURN),
        when(
                not(enough),
                format_string(
                    "naive baseline needs at least %d historical %d-minute returns in the %d-day"
                        + " lookback, found %d",
                    lit(MIN_RETURNS),
                    col(HORIZON_MINUTES),
                    lit(lookbackDays),
                    col(NAIVE_N_RETURNS)))
            .as(NAIVE_MISSING_REASON));
  }
}
