package dev.forecaster.ingest;

import static dev.forecaster.schema.Columns.*;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.Errors;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.ingest.IngestReport.FileCounts;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.io.Warehouse.MergeCounts;
import dev.forecaster.util.Progress;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Landing files -> Delta {@code prices} and {@code events}; rejected lines -> {@code quarantine}.
 *
 * <p>Every file is checked before any table is touched, and if a write fails the tables are
 * restored to the versions they had, so a failed run changes nothing.
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);
  static final List<String> PRICE_EXTENSIONS = List.of(".csv");
  static final List<String> EVENT_EXTENSIONS = List.of(".csv", ".json", ".jsonl", ".ndjson");

  private final SparkSession spark;
  private final ForecasterConfig config;
  private final Warehouse warehouse;
  private final Clock clock;

  /**
   * What to ingest.
   *
   * @param newFilesOnly skip the files the ledger ({@code ingested_files}) already holds with the
   *     same path, size and modification time: what the nightly does with its landing folders, so
   *     each delivery is read once and a corrected re-delivery is not set against the original
   * @param night the as-of of the nightly run doing the ingest, recorded in the ledger (or null)
   */
  public record Request(
      Optional<String> prices,
      Optional<String> events,
      OptionalLong barSeconds,
      boolean newFilesOnly,
      Instant night) {
    public Request(Optional<String> prices, Optional<String> events, OptionalLong barSeconds) {
      this(prices, events, barSeconds, false, null);
    }
  }

  public IngestJob(SparkSession spark, ForecasterConfig config, Clock clock) {
    this.spark = spark;
    this.config = config;
    this.warehouse = new Warehouse(spark, config);
    this.clock = clock;
  }

  public IngestReport run(Request request) {
    Instant now = clock.instant();
    String runId =
        "ingest-"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(now)
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    var hadoop = spark.sparkContext().hadoopConfiguration();
    // The nightly sets whole unreadable files aside (quarantined, recorded, reported) and goes on
    // with the others; a plain ingest fails on them before any table is touched.
    List<LandingFile.Rejected> unreadablePrices = request.newFilesOnly() ? new ArrayList<>() : null;
    List<LandingFile.Rejected> unreadableEvents = request.newFilesOnly() ? new ArrayList<>() : null;
    List<LandingFile> priceFiles =
        request
            .prices()
            .map(
                p ->
                    LandingFile.resolve(
                        hadoop,
                        p,
                        PRICE_EXTENSIONS,
                        "price CSV files (" + PriceHeader.EXPECTED + ")",
                        unreadablePrices))
            .orElse(List.of());
    List<LandingFile> eventFiles =
        request
            .events()
            .map(
                p ->
                    LandingFile.resolve(
                        hadoop,
                        p,
                        EVENT_EXTENSIONS,
                        "events CSV or JSON-lines files",
                        unreadableEvents))
            .orElse(List.of());
    Progress progress = new Progress(LOG);
    List<UnreadableFile> unreadable = new ArrayList<>();
    if (request.newFilesOnly()) {
      Set<String> seen = ingestedFiles();
      int before =
          priceFiles.size() + eventFiles.size() + unreadablePrices.size() + unreadableEvents.size();
      priceFiles = unseen(Tables.PRICES, priceFiles, seen);
      eventFiles = unseen(Tables.EVENTS, eventFiles, seen);
      priceFiles = readable(Tables.PRICES, priceFiles, unreadablePrices);
      eventFiles = readable(Tables.EVENTS, eventFiles, unreadableEvents);
      for (LandingFile.Rejected r : unreadablePrices) {
        unreadable.add(new UnreadableFile(Tables.PRICES, r));
      }
      for (LandingFile.Rejected r : unreadableEvents) {
        unreadable.add(new UnreadableFile(Tables.EVENTS, r));
      }
      unreadable.removeIf(
          u ->
              seen.contains(
                  ledgerKey(
                      u.table(), u.file().path(), u.file().bytes(), u.file().modifiedMillis())));
      progress.step(
          "landing: %d new or changed files of %d (the others were ingested before), %d unreadable",
          priceFiles.size() + eventFiles.size() + unreadable.size(), before, unreadable.size());
      if (priceFiles.isEmpty() && eventFiles.isEmpty() && unreadable.isEmpty()) {
        return new IngestReport(runId, List.of(), Map.of());
      }
    }
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      List<FileCounts> counts = new ArrayList<>();
      Dataset<Row> prices = null;
      Dataset<Row> events = null;
      Dataset<Row> rejected = null;
      if (!priceFiles.isEmpty()) {
        Dataset<Row> checked =
            persist(
                PriceRules.withRowReason(
                    LandingReader.prices(spark, priceFiles), now, config.ingest().priceTolerance()),
                cached);
        // Fill the cache in one pass; later steps read it concurrently and would each parse.
        long lines = checked.count();
        progress.step("prices: %d lines read from %d files", lines, priceFiles.size());
        Dataset<Row> bars = resolveBars(checked, request.barSeconds());
        progress.step("prices: bar lengths resolved");
        Dataset<Row> classified =
            persist(PriceRules.classify(PriceRules.withBars(checked, bars, now)), cached);
        counts.addAll(count(Tables.PRICES, priceFiles, checked, classified));
        prices = PriceRules.toPrices(classified, now);
        rejected = Duplicates.toQuarantine(classified, Tables.PRICES, Timestamp.from(now), runId);
        progress.step("prices: rows validated and counted");
      }
      if (!eventFiles.isEmpty()) {
        Dataset<Row> checked =
            persist(EventRules.withRowReason(LandingReader.events(spark, eventFiles), now), cached);
        Dataset<Row> classified = persist(EventRules.classify(checked), cached);
        counts.addAll(count(Tables.EVENTS, eventFiles, checked, classified));
        events = EventRules.toEvents(classified, now);
        Dataset<Row> eventRejects =
            Duplicates.toQuarantine(classified, Tables.EVENTS, Timestamp.from(now), runId);
        rejected = rejected == null ? eventRejects : rejected.unionByName(eventRejects);
        progress.step("events: %d files read, validated and counted", eventFiles.size());
      }
      for (FileCounts c : counts) {
        if (!c.reconciles()) {
          throw new IllegalStateException("counts of " + c.file() + " do not reconcile: " + c);
        }
      }
      if (!unreadable.isEmpty()) {
        Dataset<Row> whole = wholeFileQuarantine(unreadable, runId, now);
        rejected = rejected == null ? whole : rejected.unionByName(whole);
      }
      boolean anyRejected =
          !unreadable.isEmpty() || counts.stream().anyMatch(c -> c.quarantined() > 0);
      List<LandingFile> all = new ArrayList<>(priceFiles);
      all.addAll(eventFiles);
      Dataset<Row> ledger = ledgerRows(counts, all, unreadable, request.night(), runId, now);
      Map<String, MergeCounts> merged =
          write(prices, events, anyRejected ? rejected : null, ledger, progress);
      return new IngestReport(
          runId,
          counts,
          merged,
          unreadable.stream().map(u -> u.file().path() + ": " + u.file().problem()).toList());
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  private Map<String, MergeCounts> write(
      Dataset<Row> prices,
      Dataset<Row> events,
      Dataset<Row> rejected,
      Dataset<Row> ledger,
      Progress progress) {
    Map<String, Long> before =
        warehouse.versions(Tables.PRICES, Tables.EVENTS, Tables.QUARANTINE, Tables.INGESTED_FILES);
    Map<String, MergeCounts> merged = new LinkedHashMap<>();
    try {
      if (prices != null) {
        merged.put(Tables.PRICES, warehouse.mergePrices(prices));
        progress.step("prices: merged");
      }
      if (events != null) {
        merged.put(Tables.EVENTS, warehouse.mergeEvents(events));
        progress.step("events: merged");
      }
      if (rejected != null) {
        merged.put(Tables.QUARANTINE, warehouse.mergeQuarantine(rejected));
        progress.step("quarantine: merged");
      }
      // Last: a run killed before this commit leaves its files unrecorded, so the next nightly
      // reads them again (the MERGEs above make that a no-op for what was already written).
      merged.put(Tables.INGESTED_FILES, warehouse.recordIngestedFiles(ledger));
      return merged;
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes but thrown anyway
      warehouse.restore(before);
      throw new ForecasterException(
          "ingest failed while writing ("
              + e.getMessage()
              + "); every table was restored to its version before the run. Fix the cause and"
              + " re-run: ingest is idempotent.",
          e);
    }
  }

  /**
   * The bar of each (symbol, file): --bar if given, else the most common gap in the file, else the
   * bar the symbol already has (in the table or another file of this run). One symbol keeps one
   * bar: a file that disagrees fails the run before anything is written.
   */
  private Dataset<Row> resolveBars(Dataset<Row> checked, OptionalLong declared) {
    List<Row> inferred = PriceRules.inferBars(checked).collectAsList();
    Map<String, Set<Long>> existing = warehouse.barsBySymbol();
    Map<String, Set<Long>> inRun = new HashMap<>();
    for (Row r : inferred) {
      Long bar = declared.isPresent() ? Long.valueOf(declared.getAsLong()) : (Long) r.get(2);
      if (bar != null) {
        inRun.computeIfAbsent(r.getString(0), k -> new TreeSet<>()).add(bar);
      }
    }
    Set<Long> warehouseBar = new TreeSet<>();
    existing.values().forEach(warehouseBar::addAll);
    inRun.values().forEach(warehouseBar::addAll);
    List<Row> resolved = new ArrayList<>();
    for (Row r : inferred) {
      String symbol = r.getString(0);
      String file = r.getString(1);
      Long bar = declared.isPresent() ? Long.valueOf(declared.getAsLong()) : (Long) r.get(2);
      Set<Long> known = new TreeSet<>(existing.getOrDefault(symbol, Set.of()));
      known.addAll(inRun.getOrDefault(symbol, Set.of()));
      if (bar != null) {
        known.remove(bar);
        if (!known.isEmpty()) {
          String where =
              existing.getOrDefault(symbol, Set.of()).isEmpty()
                  ? "another file of this run"
                  : warehouse.path(Tables.PRICES);
          throw Errors.barConflict(symbol, file, bar, known, where);
        }
        resolved.add(RowFactory.create(symbol, file, bar, null));
      } else if (known.size() == 1) {
        resolved.add(RowFactory.create(symbol, file, known.iterator().next(), null));
      } else if (known.isEmpty() && warehouseBar.size() == 1) {
        // A symbol listed tonight arrives as one candle: it takes the bar every stored symbol has.
        resolved.add(RowFactory.create(symbol, file, warehouseBar.iterator().next(), null));
      } else {
        resolved.add(
            RowFactory.create(
                symbol,
                file,
                null,
                "cannot infer bar length: a single candle of this symbol, none stored yet, and"
                    + " the stored symbols have no single bar; pass --bar"));
      }
    }
    StructType schema =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(SOURCE_FILE, DataTypes.StringType)
            .add(BAR_SECONDS, DataTypes.LongType)
            .add(PriceRules.BAR_PROBLEM, DataTypes.StringType);
    return spark.createDataFrame(resolved, schema);
  }

  private static List<FileCounts> count(
      String table, List<LandingFile> files, Dataset<Row> checked, Dataset<Row> classified) {
    Map<String, Long> read = new HashMap<>();
    for (Row r : checked.groupBy(SOURCE_FILE).count().collectAsList()) {
      read.put(r.getString(0), r.getLong(1));
    }
    Map<String, Map<String, Long>> byStatus = new HashMap<>();
    Map<String, Map<String, Long>> reasons = new HashMap<>();
    for (Row r : classified.groupBy(SOURCE_FILE, STATUS, REASON).count().collectAsList()) {
      String file = r.getString(0);
      String status = r.getString(1);
      long n = r.getLong(3);
      byStatus.computeIfAbsent(file, k -> new HashMap<>()).merge(status, n, Long::sum);
      if (QUARANTINED.equals(status)) {
        reasons.computeIfAbsent(file, k -> new TreeMap<>()).merge(r.getString(2), n, Long::sum);
      }
    }
    List<FileCounts> out = new ArrayList<>();
    for (LandingFile f : files) {
      Map<String, Long> s = byStatus.getOrDefault(f.path(), Map.of());
      out.add(
          new FileCounts(
              table,
              f.path(),
              read.getOrDefault(f.path(), 0L),
              s.getOrDefault(ACCEPTED, 0L),
              s.getOrDefault(DUPLICATE, 0L),
              Map.copyOf(reasons.getOrDefault(f.path(), Map.of()))));
    }
    return out;
  }

  /** Keys (table, path, size, modified ms) of the files the ledger holds. */
  private Set<String> ingestedFiles() {
    Set<String> seen = new java.util.HashSet<>();
    if (!warehouse.exists(Tables.INGESTED_FILES)) {
      return seen;
    }
    for (Row r :
        warehouse
            .read(Tables.INGESTED_FILES)
            .select(TABLE, SOURCE_FILE, SIZE_BYTES, MODIFIED_AT)
            .collectAsList()) {
      seen.add(
          ledgerKey(r.getString(0), r.getString(1), r.getLong(2), r.getTimestamp(3).getTime()));
    }
    return seen;
  }

  private static String ledgerKey(String table, String path, long bytes, long modifiedMillis) {
    return table + "\u0000" + path + "\u0000" + bytes + "\u0000" + modifiedMillis;
  }

  private static List<LandingFile> unseen(String table, List<LandingFile> files, Set<String> seen) {
    return files.stream()
        .filter(f -> !seen.contains(ledgerKey(table, f.path(), f.bytes(), f.modifiedMillis())))
        .toList();
  }

  /** A landing file of a table that could not be read as a whole. */
  private record UnreadableFile(String table, LandingFile.Rejected file) {}

  /** The files whose header is recognised; the others are added to {@code unreadable}. */
  private static List<LandingFile> readable(
      String table, List<LandingFile> files, List<LandingFile.Rejected> unreadable) {
    List<LandingFile> ok = new ArrayList<>();
    for (LandingFile f : files) {
      try {
        if (table.equals(Tables.PRICES)) {
          LandingReader.priceHeader(f);
        } else {
          LandingReader.eventParser(f);
        }
        ok.add(f);
      } catch (ForecasterException e) {
        unreadable.add(
            new LandingFile.Rejected(f.path(), f.bytes(), f.modifiedMillis(), e.getMessage()));
      }
    }
    return ok;
  }

  /** One quarantine row per unreadable file (line 0: the file as a whole). */
  private Dataset<Row> wholeFileQuarantine(
      List<UnreadableFile> unreadable, String runId, Instant now) {
    List<Row> rows = new ArrayList<>();
    for (UnreadableFile u : unreadable) {
      rows.add(
          RowFactory.create(
              u.table(),
              u.file().path(),
              0L,
              "",
              UNREADABLE_FILE + ": " + u.file().problem(),
              Timestamp.from(now),
              runId));
    }
    return spark.createDataFrame(rows, dev.forecaster.schema.Schemas.QUARANTINE);
  }

  /** Quarantine reason of a whole file that could not be read (line_number 0). */
  public static final String UNREADABLE_FILE = "unreadable file";

  /** One ledger row per file of the run, with its reconciled counts. */
  private Dataset<Row> ledgerRows(
      List<FileCounts> counts,
      List<LandingFile> files,
      List<UnreadableFile> unreadable,
      Instant night,
      String runId,
      Instant now) {
    Map<String, LandingFile> byPath = new HashMap<>();
    files.forEach(f -> byPath.put(f.path(), f));
    List<Row> rows = new ArrayList<>();
    for (FileCounts c : counts) {
      LandingFile f = byPath.get(c.file());
      rows.add(
          RowFactory.create(
              c.table(),
              c.file(),
              f.bytes(),
              new Timestamp(f.modifiedMillis()),
              night == null ? null : Timestamp.from(night),
              c.read(),
              c.accepted(),
              c.duplicates(),
              c.quarantined(),
              null,
              runId,
              Timestamp.from(now)));
    }
    for (UnreadableFile u : unreadable) {
      rows.add(
          RowFactory.create(
              u.table(),
              u.file().path(),
              u.file().bytes(),
              new Timestamp(u.file().modifiedMillis()),
              night == null ? null : Timestamp.from(night),
              0L,
              0L,
              0L,
              0L,
              u.file().problem(),
              runId,
              Timestamp.from(now)));
    }
    return spark.createDataFrame(rows, dev.forecaster.schema.Schemas.INGESTED_FILES);
  }

  private static Dataset<Row> persist(Dataset<Row> ds, List<Dataset<Row>> cached) {
    ds.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(ds);
    return ds;
  }
}
