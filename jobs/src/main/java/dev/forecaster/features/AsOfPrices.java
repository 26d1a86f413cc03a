package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * The point-in-time price {@code P*(x)} of FORECASTING.md section 1 at many instants at once: an
 * as-of join done as one sort per symbol of candles (at their close time) and query instants.
 */
public final class AsOfPrices {
  /** Close time of a candle, epoch seconds: open_time + bar_seconds. */
  public static final String CLOSE_TIME_S = "_close_s";

  /** A query instant, epoch seconds. */
  public static final String AT_S = "_at_s";

  /** P*(at), null when no candle closed in (at - S, at]. */
  public static final String PRICE = "_price";

  /** Number of candles with close time <= at. */
  public static final String KNOWN = "_known";

  private static final String T = "_t";
  private static final String KIND = "_kind";

  private AsOfPrices() {}

  /** (symbol, close time in epoch seconds, close) of each candle of the prices table. */
  public static Dataset<Row> candles(Dataset<Row> prices) {
    return prices.select(
        col(SYMBOL),
        unix_seconds(col(OPEN_TIME)).plus(col(BAR_SECONDS)).as(CLOSE_TIME_S),
        col(CLOSE));
  }

  /** Every symbol with candles crossed with every as-of: (symbol, _t0 in epoch seconds). */
  public static Dataset<Row> grid(Dataset<Row> candles, Dataset<Row> asOfs) {
    return candles
        .select(SYMBOL)
        .distinct()
        .crossJoin(asOfs.select(unix_seconds(col(AS_OF)).as(PriceFeatures.T0)));
  }

  /**
   * {@code P*(at)} and the count of known candles for each distinct (symbol, at).
   *
   * @param candles from {@link #candles}
   * @param queries (symbol, _at_s)
   * @param stalenessSeconds S: a candle that closed S or more before {@code at} is too old
   */
  public static Dataset<Row> at(Dataset<Row> candles, Dataset<Row> queries, long stalenessSeconds) {
    Dataset<Row> known =
        candles.select(
            col(SYMBOL),
            col(CLOSE_TIME_S).as(T),
            lit(0).as(KIND),
            col(CLOSE).cast(DataTypes.DoubleType).as(CLOSE),
            col(CLOSE_TIME_S));
    Dataset<Row> asked =
        queries
            .select(col(SYMBOL), col(AT_S).as(T))
            .distinct()
            .select(
                col(SYMBOL),
                col(T),
                lit(1).as(KIND),
                lit(null).cast(DataTypes.DoubleType).as(CLOSE),
                lit(null).cast(DataTypes.LongType).as(CLOSE_TIME_S));
    // A candle closing exactly at the query instant is known (c <= x): candles sort first.
    WindowSpec upToNow =
        Window.partitionBy(SYMBOL)
            .orderBy(col(T), col(KIND))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column lastClose = last(col(CLOSE), true).over(upToNow);
    Column lastCloseTime = last(col(CLOSE_TIME_S), true).over(upToNow);
    Column knownCount = sum(when(col(KIND).equalTo(0), 1L).otherwise(0L)).over(upToNow);
    return known
        .unionByName(asked)
        .withColumn(PRICE, when(lastCloseTime.gt(col(T).minus(stalenessSeconds)), lastClose))
        .withColumn(KNOWN, knownCount)
        .filter(col(KIND).equalTo(1))
        .select(col(SYMBOL), col(T).as(AT_S), col(PRICE), col(KNOWN));
  }
}
