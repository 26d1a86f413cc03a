package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Labels of FORECASTING.md section 3 for every configured horizon: {@code future_return = P*(t + h)
 * / d_0 - 1}, {@code direction} up iff it is > 0, and whether the label has matured at an instant x
 * ({@code t + h <= x} and {@code P*(t + h)} not null).
 */
public final class Labels {
  private static final String PRICE_T = "_p_t";

  /** d_0 = P*(t), the price the return is measured from; null when stale at t. */
  public static final String BASE_PRICE = "base_price";

  private static final String PRICE_H = "_p_h";

  private Labels() {}

  /**
   * @param prices the prices table (history around the as-ofs and up to t + h)
   * @param asOfs one column {@code as_of}
   * @param horizonsMinutes horizons h
   * @param maturedAt x: for a pipeline run, the latest candle close time in the data
   */
  public static Dataset<Row> compute(
      Dataset<Row> prices,
      Dataset<Row> asOfs,
      List<Integer> horizonsMinutes,
      long stalenessSeconds,
      Instant maturedAt) {
    return compute(
        prices, asOfs, horizonsMinutes, stalenessSeconds, maturedAt, OptionalLong.empty());
  }

  /**
   * The same, faster when t and every t + h are at one time of day ({@link
   * AsOfPrices#dailyResidue}).
   */
  public static Dataset<Row> compute(
      Dataset<Row> prices,
      Dataset<Row> asOfs,
      List<Integer> horizonsMinutes,
      long stalenessSeconds,
      Instant maturedAt,
      OptionalLong dailyResidue) {
    Dataset<Row> candles = AsOfPrices.forQueriesAt(AsOfPrices.candles(prices), dailyResidue);
    Dataset<Row> grid =
        AsOfPrices.grid(candles, asOfs)
            .crossJoin(
                asOfs
                    .sparkSession()
                    .createDataset(horizonsMinutes, org.apache.spark.sql.Encoders.INT())
                    .toDF(HORIZON_MINUTES))
            .withColumn("_t_h", col(PriceFeatures.T0).plus(col(HORIZON_MINUTES).multiply(60L)));
    Dataset<Row> queries =
        grid.select(col(SYMBOL), col(PriceFeatures.T0).as(AsOfPrices.AT_S))
            .unionByName(grid.select(col(SYMBOL), col("_t_h").as(AsOfPrices.AT_S)));
    Dataset<Row> at = AsOfPrices.at(candles, queries, stalenessSeconds);
    Dataset<Row> atT =
        at.select(
            col(SYMBOL),
            col(AsOfPrices.AT_S).as(PriceFeatures.T0),
            col(AsOfPrices.PRICE).as(PRICE_T));
    Dataset<Row> atH =
        at.select(col(SYMBOL), col(AsOfPrices.AT_S).as("_t_h"), col(AsOfPrices.PRICE).as(PRICE_H));
    Timestamp x = Timestamp.from(maturedAt);
    return grid.join(atT, new String[] {SYMBOL, PriceFeatures.T0})
        .join(atH, new String[] {SYMBOL, "_t_h"})
        .withColumn(FUTURE_RETURN, col(PRICE_H).divide(col(PRICE_T)).minus(1))
        .select(
            col(SYMBOL),
            col(PriceFeatures.T0).cast("timestamp").as(AS_OF),
            col(HORIZON_MINUTES),
            col(FUTURE_RETURN),
            when(col(FUTURE_RETURN).gt(0), lit("up"))
                .when(col(FUTURE_RETURN).isNotNull(), lit("down"))
                .as(DIRECTION),
            col("_t_h").leq(unix_seconds(lit(x))).and(col(PRICE_H).isNotNull()).as(MATURED),
            col(PRICE_T).as(BASE_PRICE));
  }
}
