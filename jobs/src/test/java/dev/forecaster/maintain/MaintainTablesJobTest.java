package dev.forecaster.maintain;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.cli.ForecasterCli;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.io.Warehouse.DataFile;
import dev.forecaster.io.WarehouseCatalog;
import dev.forecaster.monitor.MonitorJob;
import dev.forecaster.nightly.FaultyFeed;
import dev.forecaster.nightly.NightlyJob;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.RegistryEntry;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maintain} on one warehouse, in order: three nights of the nightly job over {@link
 * FaultyFeed}'s deliveries (a bad row and an event from the future go to quarantine) leave a file
 * per night in most tables, and a walk-forward run's registry has two commits. A retention under 7
 * days is refused without the flag; a dry run changes nothing and predicts the compaction; the run
 * compacts every table to fewer files with exactly the same rows, and the versions before it still
 * read; a second run changes nothing; the monitor runs on the maintained tables and writes the same
 * metrics; a retention of 0 with the flag deletes every file no current version reads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MaintainTablesJobTest {
  static final Instant FIRST_NIGHT = Instant.parse("2024-04-24T00:00:00Z");
  static final int NIGHTS = 3;
  static final String RUN = Tables.walkForwardRun("wf-test") + "/";

  /** Tables the nightly adds a file to every night: OPTIMIZE compacts them. */
  static final List<String> PILING_UP =
      List.of(Tables.PRICES, Tables.INGESTED_FILES, Tables.FEATURES, Tables.MONITORING_METRICS);

  /** The nightly's MERGE rewrites the month's file: the replaced files are left for VACUUM. */
  static final String REWRITTEN = Tables.FORECASTS;

  @TempDir static Path tmp;
  static Path conf;
  static ForecasterConfig config;
  static Instant lastNight;

  /** Per table, the dry run's table row (files_after: what OPTIMIZE would leave). */
  static final Map<String, long[]> predicted = new TreeMap<>();

  static final Map<String, Long> versionsBeforeMaintain = new TreeMap<>();
  static final Map<String, List<String>> rowsBeforeMaintain = new TreeMap<>();

  @BeforeAll
  static void nightsAndARegistry() throws IOException {
    conf =
        Files.writeString(
            tmp.resolve("maintain.conf"),
            String.join(
                "\n",
                "forecaster {",
                "  warehouse = \"" + tmp.resolve("warehouse") + "\"",
                "  models-root = \"" + tmp.resolve("models") + "\"",
                "  horizons-minutes = [1440]",
                "  ingest.landing-prices = \"" + tmp.resolve("landing/prices") + "\"",
                "  ingest.landing-events = \"" + tmp.resolve("landing/events") + "\"",
                "  ingest.bar = 1d",
                "  spark { \"spark.sql.shuffle.partitions\" = \"2\" }",
                "}"));
    config = ConfigLoader.load(conf, Map.of());
    SparkSession spark = TestSpark.session();
    FaultyFeed feed =
        new FaultyFeed(tmp.resolve("generated"), tmp.resolve("landing"), FIRST_NIGHT, NIGHTS, 11);
    for (int i = 0; i < NIGHTS; i++) {
      lastNight = feed.night(i);
      feed.deliver(i);
      Clock clock = Clock.fixed(lastNight.plus(Duration.ofHours(1)), ZoneOffset.UTC);
      new NightlyJob(spark, config, clock).run(lastNight, s -> {});
    }
    // A walk-forward run's registry: a registration, then a promotion (a MERGE replacing a file).
    ForecasterConfig run = config.withWarehouse(config.tablePath(RUN));
    ModelRegistry registry = new ModelRegistry(spark, new Warehouse(spark, run));
    Instant at = Instant.parse("2024-04-26T01:00:00Z");
    RegistryEntry v1 =
        new RegistryEntry(
            "ml_forecaster_1d_rf",
            "v1",
            1,
            1440,
            60,
            RegistryEntry.CANDIDATE,
            "file:/models/v1/pipeline",
            "file:/models/v1/metadata.json",
            "f1",
            at,
            at,
            "trained");
    registry.apply(List.of(v1), Map.of(), "test", at);
    registry.apply(
        List.of(v1.withStatus(RegistryEntry.PROMOTED, "gate passed", at)), Map.of(), "test", at);
  }

  private record Run(int code, String out, String err) {
    /** The printed table: per table name, files_before, files_after, bytes, vacuumed. */
    Map<String, long[]> table() {
      Map<String, long[]> rows = rowsOfTable();
      rows.remove("total");
      return rows;
    }

    long[] total() {
      return rowsOfTable().get("total");
    }

    private Map<String, long[]> rowsOfTable() {
      Map<String, long[]> rows = new TreeMap<>();
      for (String line : out.lines().toList()) {
        String[] cells = line.trim().split(" +");
        if (cells.length == 7 && cells[1].matches("\\d+")) {
          long[] v = new long[5];
          for (int i = 0; i < 5; i++) {
            v[i] = cells[i + 1].equals("-") ? -1 : Long.parseLong(cells[i + 1]);
          }
          rows.put(cells[0], v);
        }
      }
      return rows;
    }
  }

  private static Run run(String... args) {
    TestSpark.session(); // a command runs in it, and stops it
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ForecasterCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static Run maintain(String... options) {
    List<String> args = new ArrayList<>(List.of("maintain", "--conf", conf.toString()));
    args.addAll(List.of(options));
    return run(args.toArray(String[]::new));
  }

  static Warehouse warehouse() {
    return new Warehouse(TestSpark.session(), config);
  }

  static List<String> tables() {
    return WarehouseCatalog.deltaTables(TestSpark.session(), config);
  }

  /** Every row of a table as JSON, sorted: what the table holds, whatever its files. */
  static List<String> rows(Dataset<Row> table) {
    return table.toJSON().collectAsList().stream().sorted().toList();
  }

  static Map<String, List<String>> contents() {
    Map<String, List<String>> all = new TreeMap<>();
    for (String table : tables()) {
      all.put(table, rows(warehouse().read(table)));
    }
    return all;
  }

  static Map<String, Long> versions() {
    return warehouse().versions(tables().toArray(String[]::new));
  }

  /** Every file under the warehouse (data, logs, checksums). */
  static TreeSet<String> filesOnDisk() {
    try (Stream<Path> files = Files.walk(tmp.resolve("warehouse"))) {
      return files
          .filter(Files::isRegularFile)
          .map(Path::toString)
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The table's own count of the data files of its latest version (DESCRIBE DETAIL). */
  static long numFiles(String table) {
    return DeltaTable.forPath(TestSpark.session(), warehouse().path(table))
        .detail()
        .first()
        .<Long>getAs("numFiles");
  }

  @Test
  @Order(0)
  void aRetentionUnderSevenDaysIsRefusedWithoutTheFlagAndBadOptionsSaySo() throws IOException {
    Run flag = maintain("--retention", "3d");
    assertEquals(1, flag.code(), flag.err());
    assertTrue(
        flag.err()
            .startsWith(
                "error: refusing to VACUUM with a retention of 3d: it is below Delta's safety"
                    + " minimum of 7d"),
        flag.err());
    assertTrue(flag.err().contains("--allow-short-retention"), flag.err());
    Path shortConf =
        Files.writeString(
            tmp.resolve("short.conf"),
            "forecaster { warehouse = \""
                + tmp.resolve("warehouse")
                + "\"\n  maintain.vacuum-retention = 36h }\n");
    Run configured = run("maintain", "--conf", shortConf.toString());
    assertEquals(1, configured.code(), configured.err());
    assertTrue(configured.err().contains("a retention of 36h"), configured.err());
    Run unparsable = maintain("--retention", "a while");
    assertEquals(1, unparsable.code());
    assertTrue(
        unparsable.err().startsWith("error: invalid --retention 'a while': expected a duration"),
        unparsable.err());
    Run unknown = maintain("--tables", "prices,pricez");
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().startsWith("error: no Delta table pricez at "), unknown.err());
    assertTrue(unknown.err().contains("(prices, events, quarantine,"), unknown.err());
  }

  @Test
  @Order(1)
  void aDryRunChangesNothingAndSaysWhatItWouldCompactAndDelete() {
    assertEquals(
        List.of(
            Tables.PRICES,
            Tables.EVENTS,
            Tables.QUARANTINE,
            Tables.INGESTED_FILES,
            Tables.FEATURES,
            Tables.FORECASTS,
            Tables.FORECAST_OUTCOMES,
            Tables.MONITORING_METRICS,
            Tables.ALERTS,
            RUN + Tables.MODEL_REGISTRY,
            RUN + Tables.MODEL_REGISTRY_HISTORY),
        tables());
    Map<String, Long> versions = versions();
    TreeSet<String> files = filesOnDisk();
    Run dry = maintain("--dry-run", "--retention", "0h", "--allow-short-retention");
    assertEquals(0, dry.code(), dry.err());
    assertEquals(versions, versions(), "no commit");
    assertEquals(files, filesOnDisk(), "no file written or deleted");

    List<String> wouldDelete =
        dry.out().lines().filter(l -> l.startsWith("vacuum would delete ")).toList();
    // The promotion's MERGE replaced the registration's file: no version of the last 0 h reads it.
    assertTrue(
        wouldDelete.stream().anyMatch(l -> l.contains(RUN + Tables.MODEL_REGISTRY + "/part-")),
        dry.out());
    for (String line : wouldDelete) {
      String uri = line.substring("vacuum would delete ".length());
      assertTrue(Files.exists(Path.of(URI.create(uri))), uri);
    }
    predicted.putAll(dry.table());
    assertEquals(tables().size(), predicted.size(), dry.out());
    for (String table : PILING_UP) {
      long[] v = predicted.get(table);
      assertTrue(v[0] >= NIGHTS && v[1] < v[0], table + ": " + dry.out());
    }
    assertTrue(predicted.get(REWRITTEN)[4] >= NIGHTS - 1, dry.out());
    assertTrue(dry.out().contains("dry run: nothing was changed"), dry.out());
    for (String table : tables()) {
      assertTrue(dry.err().contains("\n" + table + ": would compact "), dry.err());
    }
  }

  @Test
  @Order(2)
  void maintainCompactsEveryTableKeepsEveryRowAndTheVersionsBeforeIt() {
    versionsBeforeMaintain.putAll(versions());
    rowsBeforeMaintain.putAll(contents());
    Run run = maintain();
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("OPTIMIZE, then VACUUM keeping 30d of versions"), run.err());
    Map<String, long[]> printed = run.table();
    assertEquals(predicted.keySet(), printed.keySet(), run.out());
    for (String table : tables()) {
      long[] v = printed.get(table);
      assertTrue(
          run.err().contains("\n" + table + ": " + v[0] + " -> " + v[1] + " files"), run.err());
      assertEquals(predicted.get(table)[1], v[1], table + ": as the dry run said");
      assertEquals(numFiles(table), v[1], table);
      assertEquals(0, v[4], table + ": every replaced file is younger than 30 days");
      assertEquals(rowsBeforeMaintain.get(table), rows(warehouse().read(table)), table);
      // The retention keeps the files of the version before: time travel still reads it.
      assertEquals(
          rowsBeforeMaintain.get(table),
          rows(warehouse().readAt(table, versionsBeforeMaintain.get(table))),
          table);
    }
    for (String table : PILING_UP) {
      long[] v = printed.get(table);
      assertTrue(v[1] < v[0], table + ": " + run.out());
      assertEquals(versionsBeforeMaintain.get(table) + 1, warehouse().currentVersion(table), table);
    }
    long[] total = run.total();
    assertTrue(total[1] < total[0], run.out());
  }

  @Test
  @Order(3)
  void aSecondRunChangesNothing() {
    Map<String, Long> versions = versions();
    TreeSet<String> files = filesOnDisk();
    Run again = maintain();
    assertEquals(0, again.code(), again.err());
    assertEquals(versions, versions(), "no commit");
    assertEquals(files, filesOnDisk());
    again.table().forEach((table, v) -> assertEquals(v[0], v[1], table));
  }

  @Test
  @Order(4)
  void theMonitorWorksOnTheMaintainedTables() {
    List<String> before = rows(metricsOf(lastNight));
    assertFalse(before.isEmpty());
    MonitorJob.Result again = new MonitorJob(TestSpark.session(), config).run(lastNight);
    assertEquals(0, again.outcomesInserted(), "every matured forecast already has its outcome");
    assertEquals(before, rows(metricsOf(lastNight)));
  }

  static Dataset<Row> metricsOf(Instant asOf) {
    return warehouse()
        .read(Tables.MONITORING_METRICS)
        .filter(col(AS_OF).equalTo(Timestamp.from(asOf)))
        .drop(RUN_ID, CREATED_AT);
  }

  @Test
  @Order(5)
  void aShortRetentionWithTheFlagDeletesEveryFileNoCurrentVersionReads() throws IOException {
    List<String> some = List.of(Tables.PRICES, REWRITTEN, RUN + Tables.MODEL_REGISTRY);
    Map<String, List<String>> rows = contents();
    Run run =
        maintain(
            "--tables", String.join(",", some), "--retention", "0h", "--allow-short-retention");
    assertEquals(0, run.code(), run.err());
    Map<String, long[]> printed = run.table();
    assertEquals(new TreeSet<>(some), printed.keySet(), run.out());
    // What OPTIMIZE replaced (prices: the April files of the three nights) and the nightly
    // MERGEs replaced (forecasts).
    assertTrue(printed.get(Tables.PRICES)[4] >= NIGHTS, run.out());
    assertTrue(printed.get(REWRITTEN)[4] >= NIGHTS - 1, run.out());
    for (String table : some) {
      assertEquals(rows.get(table), rows(warehouse().read(table)), table);
      try (Stream<Path> files = Files.walk(tmp.resolve("warehouse").resolve(table))) {
        long parquet =
            files
                .map(p -> p.getFileName().toString())
                .filter(name -> name.endsWith(".parquet") && !name.startsWith("."))
                .count();
        assertEquals(numFiles(table), parquet, table);
      }
    }
    // Which is why the default keeps 30 days: the files of the version before the first run are
    // gone, and time travel to it fails.
    assertThrows(
        Exception.class,
        () ->
            warehouse()
                .readAt(Tables.PRICES, versionsBeforeMaintain.get(Tables.PRICES))
                .collectAsList());
  }

  @Test
  void aCompactionPlanPacksTheSmallFilesOfAPartitionIntoBinsOfTheTargetSize() {
    // Small: under 60 bytes; target 100. Partition a: 10, 20, 30, 50 -> bins {10, 20, 30} (60 +
    // 50 > 100) and {50} (alone: not rewritten). Partition b: 70 is not small, 40 is alone.
    // Unpartitioned: 5 and 5 -> one bin. So 5 files of 70 bytes in 2 partitions become 2.
    List<DataFile> files =
        List.of(
            new DataFile("a1", "m=a", 50, false),
            new DataFile("a2", "m=a", 10, false),
            new DataFile("a3", "m=a", 30, false),
            new DataFile("a4", "m=a", 20, false),
            new DataFile("b1", "m=b", 70, false),
            new DataFile("b2", "m=b", 40, false),
            new DataFile("u1", "", 5, false),
            new DataFile("u2", "", 5, false));
    assertEquals(new Compaction.Plan(5, 70, 2, 2), Compaction.plan(files, 60, 100));
    // A file with a deletion vector is a candidate whatever its size.
    assertEquals(
        new Compaction.Plan(2, 110, 1, 1),
        Compaction.plan(
            List.of(new DataFile("b1", "m=b", 70, true), new DataFile("b2", "m=b", 40, false)),
            60,
            200));
    assertTrue(Compaction.plan(List.of(new DataFile("x", "", 5, false)), 60, 100).isEmpty());
  }
}
