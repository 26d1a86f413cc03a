package dev.forecaster.maintain;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.Errors;
import dev.forecaster.io.Warehouse;
import dev.forecaster.io.WarehouseCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Table upkeep: for each Delta table of the warehouse, OPTIMIZE compacts the small files that the
 * nightly MERGEs, replaces and appends leave (a file or more per table and night), then VACUUM
 * deletes the files that no version of the last {@code vacuum-retention} still reads.
 *
 * <p>No Z-ordering: the partitioned tables (forecasts and features by as-of month, prices by open
 * month) hold well under OPTIMIZE's 1 GB target per partition even at 1,000 symbols, so a month
 * compacts to one file and ordering rows inside it gives file statistics nothing to skip; and
 * Delta's ZORDER BY rewrites every file of the partitions it covers on every run, so the weekly run
 * would rewrite (and the reader re-read) the whole table each week, and a second run would not be a
 * no-op. It starts to pay when a month outgrows the target: then Z-order that month by symbol.
 *
 * <p>Each table's steps are Delta commits (atomic) or deletions of files no kept version reads, so
 * a run killed at any moment leaves every table readable, and running again finishes the work; a
 * table with nothing to compact or delete is left at its version.
 */
public final class MaintainTablesJob {
  /** Delta's floor for VACUUM's retention (the default delta.deletedFileRetentionDuration). */
  public static final Duration SAFETY_MINIMUM = Duration.ofDays(7);

  private static final String MIN_FILE_SIZE = "spark.databricks.delta.optimize.minFileSize";
  private static final String MAX_FILE_SIZE = "spark.databricks.delta.optimize.maxFileSize";
  private static final long GIB = 1L << 30;

  private final SparkSession spark;
  private final ForecasterConfig config;
  private final Warehouse warehouse;

  /**
   * What to do.
   *
   * @param tables names as {@link Warehouse#path} takes them; empty = every Delta table there is
   * @param vacuum false: compaction only
   * @param retention VACUUM keeps every file a version of this long ago reads
   * @param allowShortRetention lifts the {@link #SAFETY_MINIMUM} floor
   * @param dryRun work out what would be compacted and deleted, change nothing
   */
  public record Request(
      List<String> tables,
      boolean vacuum,
      Duration retention,
      boolean allowShortRetention,
      boolean dryRun) {
    public Request {
      tables = List.copyOf(tables);
      if (vacuum && retention.compareTo(SAFETY_MINIMUM) < 0 && !allowShortRetention) {
        throw Errors.retentionTooShort(format(retention), format(SAFETY_MINIMUM));
      }
    }
  }

  /**
   * One table's upkeep (in a dry run: what it would be).
   *
   * @param after the latest version afterwards; {@code before} when nothing changed (a dry run)
   * @param compaction what OPTIMIZE compacts, worked out before it runs
   * @param vacuumed files and emptied folders VACUUM deleted (would delete)
   */
  public record TableResult(
      String table,
      Warehouse.Snapshot before,
      Warehouse.Snapshot after,
      Compaction.Plan compaction,
      List<String> vacuumed,
      double seconds) {}

  public MaintainTablesJob(SparkSession spark, ForecasterConfig config) {
    this.spark = spark;
    this.config = config;
    this.warehouse = new Warehouse(spark, config);
  }

  /** The tables a request names, each checked to exist, in the warehouse's order by default. */
  public List<String> tables(Request request) {
    List<String> present = WarehouseCatalog.deltaTables(spark, config);
    if (request.tables().isEmpty()) {
      return present;
    }
    for (String table : request.tables()) {
      if (!present.contains(table)) {
        throw Errors.noSuchTable(table, warehouse.path(table), present);
      }
    }
    return request.tables();
  }

  /**
   * Maintains {@code tables} (as {@link #tables} resolves them), one after the other, handing each
   * result to {@code onTable} as it is done.
   */
  public List<TableResult> run(
      Request request, List<String> tables, Consumer<TableResult> onTable) {
    long minFileSize = sizeSetting(MIN_FILE_SIZE);
    long maxFileSize = sizeSetting(MAX_FILE_SIZE);
    List<TableResult> results = new ArrayList<>();
    for (String table : tables) {
      long start = System.nanoTime();
      Warehouse.Snapshot before = warehouse.snapshot(table);
      Compaction.Plan plan = Compaction.plan(before.files(), minFileSize, maxFileSize);
      // The plan holds every file Delta would compact (and maybe a few more), so an empty plan
      // means OPTIMIZE would do nothing: skipping it spares the compacted tables of a weekly run.
      boolean compact = !request.dryRun() && !plan.isEmpty();
      if (compact) {
        warehouse.optimize(table);
      }
      // After OPTIMIZE: the files it just replaced are kept for the retention like any others,
      // so a reader of the version before it goes on working.
      List<String> vacuumed =
          request.vacuum()
              ? warehouse.vacuum(
                  table, request.retention(), request.dryRun(), request.allowShortRetention())
              : List.of();
      boolean changed = compact || (!request.dryRun() && !vacuumed.isEmpty());
      Warehouse.Snapshot after = changed ? warehouse.snapshot(table) : before;
      TableResult result =
          new TableResult(table, before, after, plan, vacuumed, (System.nanoTime() - start) / 1e9);
      results.add(result);
      onTable.accept(result);
    }
    return results;
  }

  private long sizeSetting(String key) {
    return Long.parseLong(spark.conf().get(key, String.valueOf(GIB)));
  }

  /** A duration as the configuration writes it: {@code 30d}, {@code 36h}, {@code 90s}. */
  public static String format(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    return s % 3600 == 0 ? s / 3600 + "h" : s + "s";
  }
}
