package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * The 6 event features of FORECASTING.md section 2. An event belongs to a symbol when the symbol is
 * in its list or the list is empty (market-wide news), and is known at t iff its timestamp is
 * strictly before t. Times are in microseconds so that sub-second timestamps compare exactly.
 */
public final class EventFeatures {
  private static final long DAY_US = 86_400_000_000L;
  private static final String E = "_e";
  private static final String T0_US = "_t0_us";
  private static final String BUCKET = "_bucket";
  private static final String T = "_t";
  private static final String KIND = "_kind";
  private static final String DAY_INDEX = "_day";
  private static final String N = "_n";
  private static final String N_AI = "_n_ai";
  private static final String SOURCES = "_sources";

  private EventFeatures() {}

  /**
   * Event features for each (symbol, _t0) of {@code grid}.
   *
   * @param events the events table (ts, source, symbols, is_ai)
   * @param grid (symbol, _t0): as-of instants in epoch seconds
   */
  public static Dataset<Row> compute(Dataset<Row> events, Dataset<Row> grid, int lookbackDays) {
    return compute(events, grid, lookbackDays, OptionalLong.empty());
  }

  /**
   * The same; with {@code dailyResidue} (every as-of at that many seconds after 00:00 UTC, {@link
   * AsOfPrices#dailyResidue}) each window [t - k days, t) is exactly k whole days of that time of
   * day, so events are counted once per symbol and day and every as-of sums the days before it,
   * instead of joining every as-of with every event of its week.
   */
  public static Dataset<Row> compute(
      Dataset<Row> events, Dataset<Row> grid, int lookbackDays, OptionalLong dailyResidue) {
    if (dailyResidue.isPresent()) {
      return fromDailyBuckets(events, grid, lookbackDays, dailyResidue.getAsLong());
    }
    Dataset<Row> asOfs =
        grid.select(col(SYMBOL), col(PriceFeatures.T0))
            .withColumn(T0_US, col(PriceFeatures.T0).multiply(1_000_000L));
    Dataset<Row> bySymbol = eventsBySymbol(events, grid.select(SYMBOL).distinct());

    // Windows up to 7 days: join each as-of with the day buckets its window touches.
    Column firstBucket = floor(col(T0_US).minus(7 * DAY_US).divide(DAY_US));
    Column lastBucket = floor(col(T0_US).minus(1).divide(DAY_US));
    Dataset<Row> inWindow =
        asOfs
            .withColumn(BUCKET, explode(sequence(firstBucket, lastBucket)))
            .join(
                bySymbol.withColumn(BUCKET, floor(col(E).divide(DAY_US))),
                new String[] {SYMBOL, BUCKET})
            .filter(col(E).geq(col(T0_US).minus(7 * DAY_US)).and(col(E).lt(col(T0_US))));
    Dataset<Row> counts =
        inWindow
            .groupBy(SYMBOL, PriceFeatures.T0)
            .agg(
                sum(when(col(E).geq(col(T0_US).minus(DAY_US)), 1L).otherwise(0L))
                    .as(EVENT_COUNT_1D),
                sum(when(col(E).geq(col(T0_US).minus(3 * DAY_US)), 1L).otherwise(0L))
                    .as(EVENT_COUNT_3D),
                count(lit(1)).as(EVENT_COUNT_7D),
                countDistinct(col(SOURCE)).as(EVENT_DISTINCT_SOURCES_7D),
                sum(when(col(IS_AI), 1L).otherwise(0L)).as("_ai"));

    // Latest event strictly before t: as-ofs sort before events at the same instant.
    WindowSpec upToNow =
        Window.partitionBy(SYMBOL)
            .orderBy(col(T), col(KIND))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> latest =
        asOfs
            .select(
                col(SYMBOL),
                col(T0_US).as(T),
                lit(0).as(KIND),
                lit(null).cast(DataTypes.LongType).as(E))
            .unionByName(bySymbol.select(col(SYMBOL), col(E).as(T), lit(1).as(KIND), col(E)))
            .withColumn("_latest", last(col(E), true).over(upToNow))
            .filter(col(KIND).equalTo(0))
            .select(
                col(SYMBOL),
                col(T).divide(1_000_000L).cast(DataTypes.LongType).as(PriceFeatures.T0),
                col("_latest"));

    double cap = lookbackDays * 24.0;
    Column hoursSince =
        when(
                col("_latest").geq(col(T0_US).minus(lookbackDays * DAY_US)),
                col(T0_US).minus(col("_latest")).divide(3_600_000_000.0))
            .otherwise(lit(cap));
    return asOfs
        .join(counts, new String[] {SYMBOL, PriceFeatures.T0}, "left")
        .join(latest, new String[] {SYMBOL, PriceFeatures.T0}, "left")
        .select(
            col(SYMBOL),
            col(PriceFeatures.T0),
            coalesce(col(EVENT_COUNT_1D), lit(0L)).as(EVENT_COUNT_1D),
            coalesce(col(EVENT_COUNT_3D), lit(0L)).as(EVENT_COUNT_3D),
            coalesce(col(EVENT_COUNT_7D), lit(0L)).as(EVENT_COUNT_7D),
            coalesce(col(EVENT_DISTINCT_SOURCES_7D), lit(0L)).as(EVENT_DISTINCT_SOURCES_7D),
            when(col(EVENT_COUNT_7D).gt(0), col("_ai").divide(col(EVENT_COUNT_7D)))
                .otherwise(lit(0.0))
                .as(EVENT_AI_SHARE_7D),
            hoursSince.as(EVENT_HOURS_SINCE_LAST_EVENT));
  }

  private static Dataset<Row> fromDailyBuckets(
      Dataset<Row> events, Dataset<Row> grid, int lookbackDays, long residueSeconds) {
    long residueUs = residueSeconds * 1_000_000L;
    // Day n holds the events in [r + n days, r + n + 1 days); the as-of r + n days sees days < n.
    Column day = floor(unix_micros(col(TS)).minus(residueUs).divide(DAY_US)).as(DAY_INDEX);
    Function<RelationalGroupedDataset, Dataset<Row>> perDay =
        groups ->
            groups.agg(
                count(lit(1)).as(N),
                sum(when(col(IS_AI), 1L).otherwise(0L)).as(N_AI),
                collect_set(col(SOURCE)).as(SOURCES),
                max(unix_micros(col(TS))).as(E));
    Dataset<Row> named =
        perDay.apply(
            events
                .filter(size(col(SYMBOLS)).gt(0))
                .select(explode(col(SYMBOLS)).as(SYMBOL), col(TS), col(SOURCE), col(IS_AI))
                .groupBy(col(SYMBOL), day));
    // Market-wide news is counted per day first, then given to every symbol.
    Dataset<Row> marketWide =
        perDay
            .apply(events.filter(size(col(SYMBOLS)).equalTo(0)).groupBy(day))
            .crossJoin(grid.select(SYMBOL).distinct());
    Dataset<Row> byDay =
        named
            .unionByName(marketWide)
            .groupBy(SYMBOL, DAY_INDEX)
            .agg(
                sum(col(N)).as(N),
                sum(col(N_AI)).as(N_AI),
                array_distinct(flatten(collect_list(col(SOURCES)))).as(SOURCES),
                max(col(E)).as(E));

    Dataset<Row> series =
        AsOfPrices.dailySeries(grid, Math.max(lookbackDays, 7))
            .withColumn(
                DAY_INDEX,
                col(AsOfPrices.AT_S)
                    .minus(residueSeconds)
                    .divide(PriceFeatures.DAY)
                    .cast(DataTypes.LongType));
    WindowSpec byDayIndex = Window.partitionBy(SYMBOL).orderBy(DAY_INDEX);
    // Rows are consecutive days (the series has every day), so k rows back is k days back.
    IntFunction<WindowSpec> daysBefore = k -> byDayIndex.rowsBetween(-k, -1);
    Column latest = max(col(E)).over(daysBefore.apply(lookbackDays));
    Column n7 = coalesce(sum(col(N)).over(daysBefore.apply(7)), lit(0L));
    Dataset<Row> perAsOf =
        series
            .join(byDay, new String[] {SYMBOL, DAY_INDEX}, "left")
            .select(
                col(SYMBOL),
                col(AsOfPrices.AT_S).as(PriceFeatures.T0),
                coalesce(sum(col(N)).over(daysBefore.apply(1)), lit(0L)).as(EVENT_COUNT_1D),
                coalesce(sum(col(N)).over(daysBefore.apply(3)), lit(0L)).as(EVENT_COUNT_3D),
                n7.as(EVENT_COUNT_7D),
                size(array_distinct(flatten(collect_list(col(SOURCES)).over(daysBefore.apply(7)))))
                    .cast(DataTypes.LongType)
                    .as(EVENT_DISTINCT_SOURCES_7D),
                when(n7.gt(0), sum(col(N_AI)).over(daysBefore.apply(7)).divide(n7))
                    .otherwise(lit(0.0))
                    .as(EVENT_AI_SHARE_7D),
                latest.as("_latest"));
    double cap = lookbackDays * 24.0;
    Column t0Us = col(PriceFeatures.T0).multiply(1_000_000L);
    return grid.select(SYMBOL, PriceFeatures.T0)
        .join(perAsOf, new String[] {SYMBOL, PriceFeatures.T0})
        .select(
            col(SYMBOL),
            col(PriceFeatures.T0),
            col(EVENT_COUNT_1D),
            col(EVENT_COUNT_3D),
            col(EVENT_COUNT_7D),
            col(EVENT_DISTINCT_SOURCES_7D),
            col(EVENT_AI_SHARE_7D),
            when(col("_latest").isNotNull(), t0Us.minus(col("_latest")).divide(3_600_000_000.0))
                .otherwise(lit(cap))
                .as(EVENT_HOURS_SINCE_LAST_EVENT));
  }

  /** One row per (symbol, event) the event belongs to, with its time in microseconds. */
  static Dataset<Row> eventsBySymbol(Dataset<Row> events, Dataset<Row> symbols) {
    Dataset<Row> named =
        events
            .filter(size(col(SYMBOLS)).gt(0))
            .select(explode(col(SYMBOLS)).as(SYMBOL), col(TS), col(SOURCE), col(IS_AI));
    Dataset<Row> marketWide =
        events
            .filter(size(col(SYMBOLS)).equalTo(0))
            .select(col(TS), col(SOURCE), col(IS_AI))
            .crossJoin(symbols);
    return named
        .unionByName(marketWide)
        .select(col(SYMBOL), unix_micros(col(TS)).as(E), col(SOURCE), col(IS_AI));
  }
}
