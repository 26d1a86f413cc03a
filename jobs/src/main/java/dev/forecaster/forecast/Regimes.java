package dev.forecaster.forecast;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.features.AsOfPrices;
import dev.forecaster.features.PriceFeatures;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Regime of FORECASTING.md section 6: {@code regime_score} = 30 × the least-squares slope of {@code
 * ln(d_j)} against {@code -j} for j = 0..29 (null unless all 30 prices exist), {@code uptrend}
 * above the up threshold, {@code downtrend} below the down threshold, else {@code chop}.
 */
public final class Regimes {
  public static final String UPTREND = "uptrend";
  public static final String DOWNTREND = "downtrend";
  public static final String CHOP = "chop";

  static final int POINTS = 30;
  private static final long DAY = 86_400L;

  private Regimes() {}

  /**
   * @param candles {@link AsOfPrices#candles}
   * @param grid (symbol, _t0) as-ofs in epoch seconds
   */
  public static Dataset<Row> compute(
      Dataset<Row> candles,
      Dataset<Row> grid,
      long stalenessSeconds,
      double upThreshold,
      double downThreshold) {
    Dataset<Row> queries =
        grid.select(col(SYMBOL), col(PriceFeatures.T0))
            .withColumn("_j", explode(sequence(lit(0L), lit((long) POINTS - 1))))
            .withColumn(AsOfPrices.AT_S, col(PriceFeatures.T0).minus(col("_j").multiply(DAY)));
    Dataset<Row> prices =
        AsOfPrices.at(candles, queries.select(SYMBOL, AsOfPrices.AT_S), stalenessSeconds);
    Dataset<Row> perAsOf =
        queries
            .join(prices, new String[] {SYMBOL, AsOfPrices.AT_S}, "left")
            .groupBy(SYMBOL, PriceFeatures.T0)
            .agg(
                count(col(AsOfPrices.PRICE)).as("_n"),
                expr("regr_slope(ln(" + AsOfPrices.PRICE + "), -_j)").as("_slope"));
    Column score = when(col("_n").equalTo(POINTS), col("_slope").multiply(POINTS));
    return perAsOf
        .withColumn(REGIME_SCORE, score)
        .select(
            col(SYMBOL),
            col(PriceFeatures.T0).cast("timestamp").as(AS_OF),
            col(REGIME_SCORE),
            when(col(REGIME_SCORE).gt(upThreshold), lit(UPTREND))
                .when(col(REGIME_SCORE).lt(downThreshold), lit(DOWNTREND))
                .when(col(REGIME_SCORE).isNotNull(), lit(CHOP))
                .as(REGIME));
  }
}
