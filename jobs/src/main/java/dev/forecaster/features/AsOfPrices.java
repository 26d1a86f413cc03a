package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.OptionalLong;
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

  /**
   * How many candles a row stands for: 1 for a candle, more for the last candle of a day ({@link
   * #lastOfEachDay}). Absent means 1.
   */
  public static final String CANDLES = "_candles";

  private static final long DAY = 86_400L;

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

  /**
   * The time of day (seconds after 00:00 UTC) of every instant the as-ofs and horizons ask P* at,
   * when they share one: every as-of at the same time of day and every horizon whole days. Price
   * features (t - j days, t - L days), labels (t, t + h), the naive baseline (t - j days, t - j
   * days - h) and regimes (t - j days) then query only instants of that time of day.
   */
  public static OptionalLong dailyResidue(
      Collection<Instant> asOfs, Collection<Integer> horizonsMinutes) {
    if (asOfs.isEmpty() || horizonsMinutes.stream().anyMatch(h -> h % 1440 != 0)) {
      return OptionalLong.empty();
    }
    long residue = Math.floorMod(asOfs.iterator().next().getEpochSecond(), DAY);
    for (Instant t : asOfs) {
      if (Math.floorMod(t.getEpochSecond(), DAY) != residue) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(residue);
  }

  /**
   * The candles {@link #at} needs to answer queries at one time of day only: per symbol and day (r
   * - 1 day, r] for that time of day r, the last candle and how many closed in it. For such a query
   * the latest candle closed by it is the last of the latest day before it, and the count of
   * candles closed by it is the sum of whole days, so {@link #at} gives exactly what it gives with
   * every candle, from 1/24 of the rows for hourly candles (a sort of every hourly candle per query
   * batch was most of a nightly's time at 1,000 symbols).
   *
   * @param candles from {@link #candles}
   * @param residue seconds after 00:00 UTC ({@link #dailyResidue})
   */
  public static Dataset<Row> lastOfEachDay(Dataset<Row> candles, long residue) {
    Column day = ceil(col(CLOSE_TIME_S).minus(residue).divide(DAY));
    return candles
        .groupBy(col(SYMBOL), day.as("_day"))
        .agg(
            max_by(col(CLOSE), col(CLOSE_TIME_S)).as(CLOSE),
            max(col(CLOSE_TIME_S)).as(CLOSE_TIME_S),
            count(lit(1)).as(CANDLES))
        .select(SYMBOL, CLOSE_TIME_S, CLOSE, CANDLES);
  }

  /** {@link #lastOfEachDay} when the queries share a time of day, else the candles as they are. */
  public static Dataset<Row> forQueriesAt(Dataset<Row> candles, OptionalLong dailyResidue) {
    return dailyResidue.isPresent() ? lastOfEachDay(candles, dailyResidue.getAsLong()) : candles;
  }

  /**
   * Every symbol of a grid whose as-ofs share a time of day ({@link #dailyResidue}), crossed with
   * every day at that time of day from the first as-of minus {@code backDays} to the last as-of:
   * (symbol, _at_s). Each symbol has a row for every day, so k rows back in a symbol's rows ordered
   * by time is k days back.
   *
   * @param grid (symbol, _t0) from {@link #grid}
   */
  public static Dataset<Row> dailySeries(Dataset<Row> grid, long backDays) {
    Dataset<Row> days =
        grid.agg(min(col(PriceFeatures.T0)).as("_lo"), max(col(PriceFeatures.T0)).as("_hi"))
            .select(
                explode(sequence(col("_lo").minus(backDays * DAY), col("_hi"), lit(DAY))).as(AT_S));
    return grid.select(SYMBOL).distinct().crossJoin(days);
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
    boolean counted = Arrays.asList(candles.columns()).contains(CANDLES);
    Dataset<Row> known =
        candles.select(
            col(SYMBOL),
            col(CLOSE_TIME_S).as(T),
            lit(0).as(KIND),
            col(CLOSE).cast(DataTypes.DoubleType).as(CLOSE),
            col(CLOSE_TIME_S),
            counted ? col(CANDLES) : lit(1L).as(CANDLES));
    Dataset<Row> asked =
        queries
            .select(col(SYMBOL), col(AT_S).as(T))
            .distinct()
            .select(
                col(SYMBOL),
                col(T),
                lit(1).as(KIND),
                lit(null).cast(DataTypes.DoubleType).as(CLOSE),
                lit(null).cast(DataTypes.LongType).as(CLOSE_TIME_S),
                lit(0L).as(CANDLES));
    // A candle closing exactly at the query instant is known (c <= x): candles sort first.
    WindowSpec upToNow =
        Window.partitionBy(SYMBOL)
            .orderBy(col(T), col(KIND))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column lastClose = last(col(CLOSE), true).over(upToNow);
    Column lastCloseTime = last(col(CLOSE_TIME_S), true).over(upToNow);
    Column knownCount = sum(col(CANDLES)).over(upToNow);
    return known
        .unionByName(asked)
        .withColumn(PRICE, when(lastCloseTime.gt(col(T).minus(stalenessSeconds)), lastClose))
        .withColumn(KNOWN, knownCount)
        .filter(col(KIND).equalTo(1))
        .select(col(SYMBOL), col(T).as(AT_S), col(PRICE), col(KNOWN));
  }
}
