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

  private EventFeatures() {}

  /**
   * Event features for each (symbol, _t0) of {@code grid}.
   *
   * @param events the events table (ts, source, symbols, is_ai)
   * @param grid (symbol, _t0): as-of instants in epoch seconds
   */
  public static Dataset<Row> compute(Dataset<Row> events, Dataset<Row> grid, int lookbackDays) {
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
