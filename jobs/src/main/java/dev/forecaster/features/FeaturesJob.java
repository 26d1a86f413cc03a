package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.util.Progress;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@code features} table for a set of as-of instants: reads only the history they need
 * (one slice for the whole range), computes through {@link Features}, and replaces exactly the rows
 * of those as-ofs and that lookback.
 */
public final class FeaturesJob {
  private static final Logger LOG = LoggerFactory.getLogger(FeaturesJob.class);

  /** Longest bar the reads allow for: a candle opened this long before x can close at x. */
  public static final Duration MAX_BAR = Duration.ofDays(1);

  private final SparkSession spark;
  private final ForecasterConfig config;
  private final Warehouse warehouse;

  /** Rows written for one lookback, and the table version that holds them. */
  public record Result(int lookbackDays, long rows, long version) {}

  public FeaturesJob(SparkSession spark, ForecasterConfig config) {
    this.spark = spark;
    this.config = config;
    this.warehouse = new Warehouse(spark, config);
  }

  /**
   * @param asOfs sorted as-of instants (at least one)
   */
  public Result run(List<Instant> asOfs, int lookbackDays) {
    if (!warehouse.exists(Tables.PRICES)) {
      throw new ForecasterException(
          "no prices table at "
              + warehouse.path(Tables.PRICES)
              + "; run `forecaster ingest --prices PATH` first (or pass the right --warehouse)");
    }
    Progress progress = new Progress(LOG);
    Instant first = asOfs.get(0);
    Instant last = asOfs.get(asOfs.size() - 1);
    long staleness = config.maxStaleness().toSeconds();
    Dataset<Row> prices =
        warehouse.pricesBetween(priceHistoryStart(first, lookbackDays, staleness), last);
    Dataset<Row> events =
        warehouse.exists(Tables.EVENTS)
            ? warehouse.eventsBetween(eventHistoryStart(first, lookbackDays), last)
            : spark.createDataFrame(List.of(), dev.forecaster.schema.Schemas.EVENTS);
    // Rows only where the symbol has a candle in the lookback (the rule of ForecastJob): the rows
    // of a night then do not depend on the range computed with it, so a backfill equals its
    // nights (a symbol listed during the range gets none before its first candle).
    Dataset<Row> features =
        Features.compute(
                prices,
                events,
                asOfFrame(asOfs),
                lookbackDays,
                staleness,
                AsOfPrices.dailyResidue(asOfs, List.of()))
            .filter(
                org.apache
                    .spark
                    .sql
                    .functions
                    .col(dev.forecaster.schema.Columns.PRICE_N_POINTS)
                    .gt(0));
    // Computed once, while writing: the commit's metrics give the row count.
    Warehouse.MergeCounts written = warehouse.replaceFeatures(features, first, last, lookbackDays);
    progress.step(
        "features: %d rows for %d as-ofs, lookback %d d written (Delta version %d)",
        written.inserted(), asOfs.size(), lookbackDays, written.version());
    return new Result(lookbackDays, written.inserted(), written.version());
  }

  /** Oldest open time any feature at {@code t} can read: d_30 and the lookback count. */
  static Instant priceHistoryStart(Instant t, int lookbackDays, long stalenessSeconds) {
    long back = Math.max(lookbackDays * 86_400L, 30 * 86_400L + stalenessSeconds);
    return t.minusSeconds(back).minus(MAX_BAR);
  }

  /** Oldest event any feature at {@code t} can read: the 7-day windows and hours-since. */
  static Instant eventHistoryStart(Instant t, int lookbackDays) {
    return t.minusSeconds(Math.max(lookbackDays, 7) * 86_400L);
  }

  private Dataset<Row> asOfFrame(List<Instant> asOfs) {
    return spark.createDataFrame(
        asOfs.stream().map(t -> RowFactory.create(Timestamp.from(t))).toList(),
        new StructType().add(AS_OF, DataTypes.TimestampType, false));
  }
}
