package dev.forecaster.io;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;

import dev.forecaster.config.ForecasterConfig;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every read and write of the Delta tables under one warehouse. Writes are MERGEs keyed on each
 * table's key, so re-running a job with the same input leaves the tables as they are.
 */
public final class Warehouse {
  /** The month partitions' values (as_of_month, open_month): UTC {@code yyyy-MM}. */
  private static final java.time.format.DateTimeFormatter MONTH =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM").withZone(java.time.ZoneOffset.UTC);

  private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);

  private final SparkSession spark;
  private final ForecasterConfig config;

  public Warehouse(SparkSession spark, ForecasterConfig config) {
    this.spark = spark;
    this.config = config;
  }

  public String path(String table) {
    return config.tablePath(table);
  }

  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  /**
   * Creates the table with its schema when it does not exist yet; a table written by an older
   * version is evolved to the schema (see {@link #evolve}).
   */
  public void ensure(String table, StructType schema, String... partitionColumns) {
    if (exists(table)) {
      evolve(table, schema);
      return;
    }
    DeltaTable.createIfNotExists(spark)
        .location(path(table))
        .addColumns(schema)
        .partitionedBy(partitionColumns)
        .execute();
  }

  /**
   * Brings an existing table to a newer schema of the same table: adds the columns it lacks and
   * drops NOT NULL where the schema allows nulls (e.g. forecast_outcomes' realised columns, null
   * since outcomes can be unscorable). Each change is a Delta commit of its own, done once.
   */
  void evolve(String table, StructType schema) {
    StructType current = read(table).schema();
    java.util.Set<String> have = new java.util.HashSet<>(List.of(current.fieldNames()));
    String target = "delta.`" + path(table).replace("`", "``") + "`";
    for (var field : schema.fields()) {
      if (!have.contains(field.name())) {
        LOG.info("{}: adding column {} (schema of this version)", table, field.name());
        spark.sql(
            String.format(
                "ALTER TABLE %s ADD COLUMNS (`%s` %s)",
                target, field.name(), field.dataType().sql()));
      } else if (field.nullable() && !current.apply(field.name()).nullable()) {
        LOG.info("{}: column {} may now be null (schema of this version)", table, field.name());
        spark.sql(
            String.format("ALTER TABLE %s ALTER COLUMN `%s` DROP NOT NULL", target, field.name()));
      }
    }
  }

  public Dataset<Row> read(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /** The table as it was at a version (Delta time travel). */
  public Dataset<Row> readAt(String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /**
   * The rows of the given as-ofs in a version of a table partitioned by as-of month (features,
   * forecasts), read through those months' partitions only.
   */
  public Dataset<Row> readAsOfs(String table, long version, List<java.time.Instant> asOfs) {
    return readAt(table, version)
        .filter(
            col(AS_OF_MONTH)
                .isin(monthsOf(asOfs).toArray())
                .and(col(AS_OF).isin(asOfs.stream().map(java.sql.Timestamp::from).toArray())));
  }

  /** The as-of month partitions (as_of_month values) that hold these as-ofs, each once. */
  private static List<String> monthsOf(List<java.time.Instant> asOfs) {
    return asOfs.stream().map(MONTH::format).distinct().toList();
  }

  /**
   * Upserts {@code rows} on {@code keys} (null-safe, so a null key such as the overall line of a
   * summary matches itself), creating the table when missing. Rows whose values did not change are
   * left alone, so re-running a job leaves the table as it was.
   */
  public MergeCounts upsert(
      String table,
      StructType schema,
      Dataset<Row> rows,
      List<String> keys,
      String... partitionColumns) {
    ensure(table, schema, partitionColumns);
    List<String> values = new ArrayList<>();
    for (String name : schema.fieldNames()) {
      if (!keys.contains(name)) {
        values.add(name);
      }
    }
    return upsert(table, rows, keys, values);
  }

  /**
   * Replaces every row of one run ({@code run_id}) with {@code rows} in one commit, creating the
   * table when missing: re-running a run id leaves exactly its new rows, other runs untouched.
   */
  public void replaceRun(String table, StructType schema, Dataset<Row> rows, String runId) {
    ensure(table, schema);
    rows.select(
            java.util.Arrays.stream(schema.fieldNames())
                .map(n -> col(n))
                .toArray(org.apache.spark.sql.Column[]::new))
        .write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", String.format("%s = '%s'", RUN_ID, runId.replace("'", "''")))
        .save(path(table));
  }

  /** Appends rows to a table that only grows (an event log), creating it when missing. */
  public long append(String table, StructType schema, Dataset<Row> rows) {
    ensure(table, schema);
    rows.select(
            java.util.Arrays.stream(schema.fieldNames())
                .map(n -> col(n))
                .toArray(org.apache.spark.sql.Column[]::new))
        .write()
        .format("delta")
        .mode("append")
        .save(path(table));
    return currentVersion(table);
  }

  /** The latest version of each table that exists. */
  public Map<String, Long> versions(String... tables) {
    Map<String, Long> versions = new LinkedHashMap<>();
    for (String table : tables) {
      if (exists(table)) {
        versions.put(table, currentVersion(table));
      }
    }
    return versions;
  }

  public long currentVersion(String table) {
    return latest(table).version();
  }

  /** A table's latest commit: its version and Delta's metrics of the operation. */
  private record Commit(long version, scala.collection.Map<String, String> metrics) {
    long metric(String name) {
      return metrics.contains(name) ? Long.parseLong(metrics.apply(name)) : 0L;
    }
  }

  /**
   * The latest commit, read from the transaction log itself: {@code DeltaTable.history(1)} builds a
   * DataFrame of it and runs two small queries, after every write of a night.
   */
  private Commit lastCommit(String table) {
    org.apache.spark.sql.delta.DeltaHistory last =
        log(table).history().getHistory(scala.Option.apply((Object) 1)).head();
    return new Commit(
        (Long) last.version().get(),
        last.operationMetrics().isDefined()
            ? last.operationMetrics().get()
            : scala.collection.immutable.Map$.MODULE$.<String, String>empty());
  }

  private org.apache.spark.sql.delta.DeltaLog log(String table) {
    return org.apache.spark.sql.delta.DeltaLog.forTable(spark, path(table));
  }

  /** The table's latest snapshot, brought up to date with its log. */
  private org.apache.spark.sql.delta.Snapshot latest(String table) {
    return log(table).update(false, scala.Option.empty(), scala.Option.empty());
  }

  /** Restores each table to the version it had (what a failed run leaves behind). */
  public void restore(Map<String, Long> versions) {
    versions.forEach(
        (table, version) -> {
          if (exists(table) && currentVersion(table) != version) {
            LOG.warn("restoring {} to version {}", table, version);
            DeltaTable.forPath(spark, path(table)).restoreToVersion(version);
          }
        });
  }

  /**
   * Candles with {@code from <= open_time < to}, read through the month partitions and Delta's file
   * statistics so that the cost follows the range, not the years stored.
   */
  public Dataset<Row> pricesBetween(java.time.Instant from, java.time.Instant to) {
    return read(Tables.PRICES)
        .filter(
            col(OPEN_MONTH)
                .geq(MONTH.format(from))
                .and(col(OPEN_MONTH).leq(MONTH.format(to)))
                .and(col(OPEN_TIME).geq(java.sql.Timestamp.from(from)))
                .and(col(OPEN_TIME).lt(java.sql.Timestamp.from(to))));
  }

  /** Events with {@code from <= ts < to}. */
  public Dataset<Row> eventsBetween(java.time.Instant from, java.time.Instant to) {
    return read(Tables.EVENTS)
        .filter(
            col(TS)
                .geq(java.sql.Timestamp.from(from))
                .and(col(TS).lt(java.sql.Timestamp.from(to))));
  }

  /**
   * Replaces the feature rows of the as-ofs in [from, to] and one lookback by {@code rows}, in one
   * commit: re-running a range replaces it and leaves other ranges alone. The table is partitioned
   * by as-of month, so a nightly replace rewrites one month, not the whole table.
   *
   * @return the rows written (as inserted) and the new table version
   */
  public MergeCounts replaceFeatures(
      Dataset<Row> rows, java.time.Instant from, java.time.Instant to, int lookbackDays) {
    String predicate =
        String.format(
            "%s >= '%s' AND %s <= '%s' AND %s >= timestamp'%s' AND %s <= timestamp'%s' AND %s = %d",
            AS_OF_MONTH,
            MONTH.format(from),
            AS_OF_MONTH,
            MONTH.format(to),
            AS_OF,
            from,
            AS_OF,
            to,
            LOOKBACK_DAYS,
            lookbackDays);
    String table = Tables.FEATURES;
    rows.withColumn(AS_OF_MONTH, date_format(col(AS_OF), "yyyy-MM"))
        .repartition(col(AS_OF_MONTH))
        .write()
        .format("delta")
        .mode("overwrite")
        .partitionBy(AS_OF_MONTH)
        .option("replaceWhere", predicate)
        .save(path(table));
    return writeCounts(table);
  }

  /**
   * Replaces the forecasts of the given as-ofs by {@code rows} in one MERGE on the table's key:
   * matched rows are updated, new ones inserted, and rows of those as-ofs that the run no longer
   * produces are deleted; other nights are untouched.
   */
  public MergeCounts replaceForecasts(Dataset<Row> rows, List<java.time.Instant> asOfs) {
    String table = Tables.FORECASTS;
    ensure(table, dev.forecaster.schema.Schemas.FORECASTS, AS_OF_MONTH);
    String nights =
        asOfs.stream().map(t -> "timestamp'" + t + "'").collect(Collectors.joining(", "));
    String months =
        monthsOf(asOfs).stream().map(m -> "'" + m + "'").collect(Collectors.joining(", "));
    String scope =
        String.format("t.%s IN (%s) AND t.%s IN (%s)", AS_OF_MONTH, months, AS_OF, nights);
    String on =
        scope
            + " AND "
            + List.of(AS_OF, SYMBOL, HORIZON_MINUTES, LOOKBACK_DAYS).stream()
                .map(k -> String.format("t.`%s` = s.`%s`", k, k))
                .collect(Collectors.joining(" AND "));
    DeltaTable.forPath(spark, path(table))
        .as("t")
        .merge(rows.as("s"), on)
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .whenNotMatchedBySource(scope)
        .delete()
        .execute();
    return mergeCounts(table);
  }

  /**
   * Replaces every row of one as-of in a table keyed by as-of run (monitoring_metrics, alerts) by
   * {@code rows} in one commit, creating the table when missing: re-running an as-of leaves exactly
   * its new rows, and other as-ofs alone.
   *
   * @return the table version written
   */
  public long replaceAsOf(
      String table, StructType schema, Dataset<Row> rows, java.time.Instant asOf) {
    ensure(table, schema);
    rows.select(
            java.util.Arrays.stream(schema.fieldNames())
                .map(n -> col(n))
                .toArray(org.apache.spark.sql.Column[]::new))
        .coalesce(1)
        .write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", String.format("%s = timestamp'%s'", AS_OF, asOf))
        .save(path(table));
    return currentVersion(table);
  }

  /**
   * One data file of a table's latest version.
   *
   * @param partition its partition values ({@code as_of_month=2025-01}), empty when unpartitioned
   * @param deletionVector whether a deletion vector masks some of its rows
   */
  public record DataFile(String path, String partition, long bytes, boolean deletionVector) {}

  /** A table's latest version and its data files. */
  public record Snapshot(long version, List<DataFile> files) {
    public long bytes() {
      return files.stream().mapToLong(DataFile::bytes).sum();
    }
  }

  /** The latest version of a table and the data files it reads (from the log, no data read). */
  public Snapshot snapshot(String table) {
    // The transaction log's file list: the public API has totals only (DESCRIBE DETAIL), and a
    // compaction plan needs each file's partition and size.
    org.apache.spark.sql.delta.Snapshot latest = latest(table);
    List<DataFile> files = new ArrayList<>();
    for (Row r :
        latest
            .allFiles()
            .toDF()
            .select("path", "partitionValues", "size", "deletionVector")
            .collectAsList()) {
      Map<String, String> values = new TreeMap<>(r.getJavaMap(1));
      String partition =
          values.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(","));
      files.add(new DataFile(r.getString(0), partition, r.getLong(2), !r.isNullAt(3)));
    }
    return new Snapshot(latest.version(), files);
  }

  /**
   * Compacts a table's small files (Delta OPTIMIZE, bin-packing within each partition) in one
   * commit that changes no row; nothing is committed when there is nothing to compact.
   */
  public void optimize(String table) {
    DeltaTable.forPath(spark, path(table)).optimize().executeCompaction();
  }

  /**
   * The files (and emptied folders) VACUUM finds that no version of the last {@code retention}
   * uses; unless {@code dryRun}, deletes them. A retention under the table's own safety minimum (7
   * days) needs {@code belowSafetyMinimum}, which turns Delta's check off for this call.
   */
  public List<String> vacuum(
      String table, java.time.Duration retention, boolean dryRun, boolean belowSafetyMinimum) {
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    String listing = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
    Map<String, String> before =
        Map.of(check, spark.conf().get(check, "true"), listing, spark.conf().get(listing, "10000"));
    // Delta counts the retention in hours; rounding up never keeps less than asked.
    String vacuum =
        String.format(
            "VACUUM delta.`%s` RETAIN %d HOURS",
            path(table).replace("`", "``"), (retention.toSeconds() + 3599) / 3600);
    if (belowSafetyMinimum) {
      spark.conf().set(check, "false");
    }
    if (!config.spark().containsKey(listing)) {
      // VACUUM lists a table's folders in this many tasks, 10,000 by default: minutes of empty
      // tasks per table on a few cores. One per core lists a table's few partitions as fast.
      spark.conf().set(listing, String.valueOf(spark.sparkContext().defaultParallelism()));
    }
    try {
      // The listing first, on its own: a real VACUUM commits two log entries (start, end) on
      // file systems that allow it even when it deletes nothing, and a re-run must change nothing.
      List<String> found =
          spark.sql(vacuum + " DRY RUN").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      if (!dryRun && !found.isEmpty()) {
        // Delta prints "Deleted N files ..." on stdout (Scala's Console), where our results go.
        scala.Console.withOut(
            java.io.OutputStream.nullOutputStream(),
            (scala.Function0<List<Row>>) () -> spark.sql(vacuum).collectAsList());
      }
      return found;
    } finally {
      before.forEach(spark.conf()::set);
    }
  }

  /** The bar lengths each symbol already has in {@code prices}. */
  public Map<String, Set<Long>> barsBySymbol() {
    Map<String, Set<Long>> bars = new TreeMap<>();
    if (!exists(Tables.PRICES)) {
      return bars;
    }
    for (Row r : read(Tables.PRICES).select(SYMBOL, BAR_SECONDS).distinct().collectAsList()) {
      bars.computeIfAbsent(r.getString(0), k -> new TreeSet<>()).add(r.getLong(1));
    }
    return bars;
  }

  /** Rows inserted, updated and left unchanged by a MERGE. */
  public record MergeCounts(long inserted, long updated, long version) {}

  /**
   * Upserts candles on (symbol, open_time): new keys are inserted, keys whose values changed are
   * updated (Delta's history keeps the old values), identical ones are left alone.
   */
  public MergeCounts mergePrices(Dataset<Row> candles) {
    ensure(Tables.PRICES, dev.forecaster.schema.Schemas.PRICES, OPEN_MONTH);
    // One file per month partition (not one per input file and month): time-range reads then
    // open few files.
    Dataset<Row> clustered = candles.repartition(col(OPEN_MONTH));
    return upsert(
        Tables.PRICES,
        clustered,
        List.of(SYMBOL, OPEN_TIME),
        List.of(BAR_SECONDS, OPEN, HIGH, LOW, CLOSE, VOLUME));
  }

  /** Upserts events on event_id, like {@link #mergePrices}. */
  public MergeCounts mergeEvents(Dataset<Row> events) {
    ensure(Tables.EVENTS, dev.forecaster.schema.Schemas.EVENTS);
    return upsert(
        Tables.EVENTS, events, List.of(EVENT_ID), List.of(TS, SOURCE, TITLE, SYMBOLS, IS_AI));
  }

  /** Adds rejected lines not recorded yet (the same line rejected again is kept once). */
  public MergeCounts mergeQuarantine(Dataset<Row> rejected) {
    ensure(Tables.QUARANTINE, dev.forecaster.schema.Schemas.QUARANTINE);
    return upsert(
        Tables.QUARANTINE, rejected, List.of(TABLE, SOURCE_FILE, LINE_NUMBER, RAW), List.of());
  }

  /**
   * Records ingested landing files in the ledger; a file already recorded (same table, path, size
   * and modification time) keeps its first row, so re-ingesting it changes nothing.
   */
  public MergeCounts recordIngestedFiles(Dataset<Row> files) {
    ensure(Tables.INGESTED_FILES, dev.forecaster.schema.Schemas.INGESTED_FILES);
    return upsert(
        Tables.INGESTED_FILES,
        files,
        List.of(TABLE, SOURCE_FILE, SIZE_BYTES, MODIFIED_AT),
        List.of());
  }

  private MergeCounts upsert(
      String table, Dataset<Row> source, List<String> keys, List<String> valueColumns) {
    String on =
        keys.stream()
            .map(k -> String.format("t.`%s` <=> s.`%s`", k, k))
            .collect(Collectors.joining(" AND "));
    StructType target = read(table).schema();
    Dataset<Row> aligned =
        source.select(
            java.util.Arrays.stream(target.fieldNames())
                .map(name -> col(name))
                .toArray(org.apache.spark.sql.Column[]::new));
    DeltaTable delta = DeltaTable.forPath(spark, path(table));
    if (latest(table).numOfFiles() == 0L) {
      // Into an empty table a MERGE inserts every row: appending is the same, without the join.
      aligned.write().format("delta").mode("append").save(path(table));
      return writeCounts(table);
    }
    var merge = delta.as("t").merge(aligned.as("s"), on);
    if (!valueColumns.isEmpty()) {
      List<String> same = new ArrayList<>();
      for (String c : valueColumns) {
        same.add(String.format("t.`%s` <=> s.`%s`", c, c));
      }
      merge = merge.whenMatched("NOT (" + String.join(" AND ", same) + ")").updateAll();
    }
    merge.whenNotMatched().insertAll().execute();
    return mergeCounts(table);
  }

  /** The rows the latest commit, an append or an overwrite, wrote (as inserted). */
  private MergeCounts writeCounts(String table) {
    Commit last = lastCommit(table);
    return new MergeCounts(last.metric("numOutputRows"), 0, last.version());
  }

  private MergeCounts mergeCounts(String table) {
    Commit last = lastCommit(table);
    return new MergeCounts(
        last.metric("numTargetRowsInserted"), last.metric("numTargetRowsUpdated"), last.version());
  }
}
