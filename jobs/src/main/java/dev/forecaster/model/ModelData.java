package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.features.AsOfPrices;
import dev.forecaster.features.Features;
import dev.forecaster.features.Labels;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.schema.Schemas;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The market as it was known at an as-of T, pinned to table versions: candles that had closed by T
 * and events before T, read at the Delta versions recorded in a model's metadata. Features and
 * labels of any as-of grid come from the one feature code path ({@link Features}, {@link Labels}).
 */
public final class ModelData {
  private final SparkSession spark;
  private final ForecasterConfig config;

  /** The instant of the run. */
  public final Instant asOf;

  /** x of FORECASTING.md section 3: the latest candle close time known at T. */
  public final Instant dataThrough;

  /** Earliest candle open time of the slice. */
  public final Instant firstOpen;

  public final long pricesVersion;
  public final Long eventsVersion;
  public final Dataset<Row> prices;
  public final Dataset<Row> events;

  private ModelData(
      SparkSession spark,
      ForecasterConfig config,
      Instant asOf,
      Instant dataThrough,
      Instant firstOpen,
      long pricesVersion,
      Long eventsVersion,
      Dataset<Row> prices,
      Dataset<Row> events) {
    this.spark = spark;
    this.config = config;
    this.asOf = asOf;
    this.dataThrough = dataThrough;
    this.firstOpen = firstOpen;
    this.pricesVersion = pricesVersion;
    this.eventsVersion = eventsVersion;
    this.prices = prices;
    this.events = events;
  }

  /**
   * The market known at {@code asOf} (null: at the latest candle close in the table).
   *
   * @param historyFrom oldest open time needed, or null for all
   */
  public static ModelData load(
      SparkSession spark,
      ForecasterConfig config,
      Warehouse warehouse,
      Instant asOf,
      Instant historyFrom) {
    if (!warehouse.exists(Tables.PRICES)) {
      throw new ForecasterException(
          "no prices table at "
              + warehouse.path(Tables.PRICES)
              + "; run `forecaster ingest --prices PATH` first (or pass the right --warehouse)");
    }
    long pricesVersion = warehouse.currentVersion(Tables.PRICES);
    Long eventsVersion =
        warehouse.exists(Tables.EVENTS) ? warehouse.currentVersion(Tables.EVENTS) : null;
    Dataset<Row> prices = warehouse.readAt(Tables.PRICES, pricesVersion);
    if (historyFrom != null) {
      prices = prices.filter(col(OPEN_TIME).geq(Timestamp.from(historyFrom)));
    }
    var closeTime = unix_seconds(col(OPEN_TIME)).plus(col(BAR_SECONDS));
    if (asOf != null) {
      prices = prices.filter(closeTime.leq(asOf.getEpochSecond()));
    }
    Row bounds = prices.agg(max(closeTime), min(col(OPEN_TIME))).first();
    if (bounds.isNullAt(0) && historyFrom != null) {
      // Only on this error path: were there candles at all, outside the history the as-of needs?
      Row latest = warehouse.readAt(Tables.PRICES, pricesVersion).agg(max(closeTime)).first();
      if (!latest.isNullAt(0)) {
        Instant close = Instant.ofEpochSecond(latest.getLong(0));
        throw new ForecasterException(
            String.format(
                "no candles in %s from %s to %s, the history %s needs: the latest candle closed"
                    + " %s%s; choose an --as-of within the data, or ingest the missing prices",
                warehouse.path(Tables.PRICES),
                historyFrom,
                asOf == null ? "now" : asOf,
                asOf == null ? "this run" : "the as-of " + asOf,
                close,
                close.isBefore(historyFrom) ? ", before that history starts" : ""));
      }
    }
    if (bounds.isNullAt(0)) {
      throw new ForecasterException(
          "no candles had closed by "
              + (asOf == null ? "now" : asOf)
              + " in "
              + warehouse.path(Tables.PRICES)
              + "; ingest prices first or choose a later --as-of");
    }
    Instant through = Instant.ofEpochSecond(bounds.getLong(0));
    Instant first = bounds.getTimestamp(1).toInstant();
    Instant t = asOf == null ? through : asOf;
    Dataset<Row> events =
        eventsVersion == null
            ? spark.createDataFrame(List.of(), Schemas.EVENTS)
            : warehouse.readAt(Tables.EVENTS, eventsVersion).filter(col(TS).lt(Timestamp.from(t)));
    return new ModelData(
        spark, config, t, through, first, pricesVersion, eventsVersion, prices, events);
  }

  /** Daily 00:00 UTC as-ofs from {@code from} (default: the day after the first candle) to T. */
  public List<Instant> dailyGrid(Instant from) {
    Instant start =
        from != null
            ? from.truncatedTo(ChronoUnit.DAYS)
            : firstOpen.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
    List<Instant> grid = new ArrayList<>();
    for (Instant d = start; !d.isAfter(asOf); d = d.plus(Duration.ofDays(1))) {
      grid.add(d);
    }
    return grid;
  }

  public Dataset<Row> asOfFrame(List<Instant> asOfs) {
    return spark.createDataFrame(
        asOfs.stream().map(t -> RowFactory.create(Timestamp.from(t))).toList(),
        new StructType().add(AS_OF, DataTypes.TimestampType, false));
  }

  public Dataset<Row> features(List<Instant> asOfs, int lookbackDays) {
    return Features.compute(
        prices,
        events,
        asOfFrame(asOfs),
        lookbackDays,
        config.maxStaleness().toSeconds(),
        AsOfPrices.dailyResidue(asOfs, List.of()));
  }

  /** Labels matured at {@link #dataThrough}, for every configured horizon. */
  public Dataset<Row> labels(List<Instant> asOfs, List<Integer> horizonsMinutes) {
    return Labels.compute(
        prices,
        asOfFrame(asOfs),
        horizonsMinutes,
        config.maxStaleness().toSeconds(),
        dataThrough,
        AsOfPrices.dailyResidue(asOfs, horizonsMinutes));
  }

  /** Versions of the tables read, for a model's metadata. */
  public java.util.Map<String, Long> tableVersions() {
    java.util.Map<String, Long> versions = new java.util.LinkedHashMap<>();
    versions.put(Tables.PRICES, pricesVersion);
    if (eventsVersion != null) {
      versions.put(Tables.EVENTS, eventsVersion);
    }
    return versions;
  }
}
