package dev.forecaster.cli;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import dev.forecaster.ingest.IngestJob;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.Horizons;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code forecast} and {@code demo} command lines (and {@code nightly}'s option errors; its run
 * is in {@code NightlyJobTest}), in-process: exit codes, what they print, the tables they leave.
 * Each command stops the Spark session, as the real process does, and {@link TestSpark#session()}
 * builds it again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForecastCommandsTest {
  static final String NIGHT = "2024-04-01T00:00:00Z";

  @TempDir static Path tmp;
  static String conf;
  static String warehouseDir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    TestSpark.session(); // the command reuses the test session (and stops it)
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ForecasterCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static Warehouse warehouse() {
    return new Warehouse(
        TestSpark.session(), ConfigLoader.load(null, Map.of("warehouse", warehouseDir)));
  }

  @BeforeAll
  static void landingAndConf() throws IOException {
    new SyntheticMarket(
            new MarketSpec(
                List.of("BTC-USD", "ETH-USD"),
                MarketSpec.DEFAULT_START,
                100,
                86_400,
                3,
                0.5,
                0.0,
                0.3,
                0.2,
                0.15))
        .write(tmp.resolve("landing"), s -> {});
    warehouseDir = tmp.resolve("warehouse").toString();
    conf =
        Files.writeString(
                tmp.resolve("test.conf"),
                String.join(
                    "\n",
                    "forecaster {",
                    "  warehouse = \"" + warehouseDir + "\"",
                    "  horizons-minutes = [1440, 10080]",
                    "  spark {",
                    "    \"spark.sql.shuffle.partitions\" = \"2\"",
                    "    \"spark.databricks.delta.snapshotPartitions\" = \"2\"",
                    "  }",
                    "}"))
            .toString();
    new IngestJob(
            TestSpark.session(),
            ConfigLoader.load(null, Map.of("warehouse", warehouseDir)),
            Clock.systemUTC())
        .run(
            new IngestJob.Request(
                Optional.of(tmp.resolve("landing/prices").toString()),
                Optional.of(tmp.resolve("landing/events").toString()),
                OptionalLong.empty()));
  }

  @Test
  @Order(1)
  void badOptionsAndAnEmptyWarehouseFailWithAOneLineReason() throws IOException {
    Run both = run("forecast", "--conf", conf, "--as-of", NIGHT, "--from", "2024-03-01");
    assertEquals(1, both.code());
    assertEquals(
        "error: invalid options '--as-of with --from/--to': expected either --as-of or --from and"
            + " --to\n",
        both.err());
    Run none = run("forecast", "--conf", conf);
    assertEquals(1, none.code());
    assertEquals(
        "error: invalid options '(none)': expected --from DATE --to DATE, or --as-of INSTANT\n",
        none.err());
    Run backwards = run("forecast", "--conf", conf, "--from", "2024-04-02", "--to", "2024-04-01");
    assertEquals(1, backwards.code());
    assertEquals(
        "error: invalid --to '2024-04-01': expected an instant not before --from 2024-04-02\n",
        backwards.err());
    Run badInstant = run("forecast", "--conf", conf, "--as-of", "yesterday");
    assertEquals(1, badInstant.code());
    assertEquals(
        "error: invalid --as-of 'yesterday': expected an ISO-8601 instant or a date\n",
        badInstant.err());
    assertEquals(2, run("nightly", "--conf", conf).code(), "--as-of is required");

    String nothing = Files.createDirectories(tmp.resolve("nothing")).toString();
    Run empty = run("forecast", "--conf", conf, "--warehouse", nothing, "--as-of", NIGHT);
    assertEquals(1, empty.code());
    assertTrue(
        empty.err().startsWith("error: no prices table at ")
            && empty.err().contains("run `forecaster ingest --prices PATH` first")
            && empty.err().endsWith("\n")
            && empty.err().lines().count() == 1,
        empty.err());
  }

  @Test
  @Order(2)
  void forecastAndBackfillReplaceExactlyTheirNights() {
    Run one = run("forecast", "--conf", conf, "--as-of", "2024-04-01");
    assertEquals(0, one.code(), one.err());
    List<String> lines = one.out().lines().toList();
    assertEquals("horizon 1440: naive baseline (no promoted model for 1d)", lines.get(0));
    assertEquals("horizon 10080: naive baseline (no promoted model for 7d)", lines.get(1));
    assertTrue(
        lines
            .get(2)
            .matches(
                "forecasts: 4 rows \\(4 naive\\) for 1 as-ofs 2024-04-01T00:00:00Z \\.\\."
                    + " 2024-04-01T00:00:00Z, run forecast-\\S+, Delta version \\d+"),
        lines.get(2));
    long nightVersion = warehouse().currentVersion(Tables.FORECASTS);
    assertEquals(4, warehouse().read(Tables.FORECASTS).count());

    Run range = run("forecast", "--conf", conf, "--from", "2024-03-30", "--to", "2024-04-01");
    assertEquals(0, range.code(), range.err());
    String summary = range.out().lines().toList().get(2);
    Matcher m =
        Pattern.compile(
                "forecasts: 12 rows \\(12 naive\\) for 3 as-ofs 2024-03-30T00:00:00Z \\.\\."
                    + " 2024-04-01T00:00:00Z, run (forecast-\\S+), Delta version \\d+")
            .matcher(summary);
    assertTrue(m.matches(), summary);
    Dataset<Row> stored = warehouse().read(Tables.FORECASTS);
    assertEquals(12, stored.count());
    assertEquals(
        List.of(m.group(1)),
        stored.select(RUN_ID).distinct().as(Encoders.STRING()).collectAsList());
    assertEquals(
        List.of(
            Timestamp.from(Instant.parse("2024-03-30T00:00:00Z")),
            Timestamp.from(Instant.parse("2024-03-31T00:00:00Z")),
            Timestamp.from(Instant.parse(NIGHT))),
        stored.select(AS_OF).distinct().orderBy(AS_OF).as(Encoders.TIMESTAMP()).collectAsList());
    // The backfill wrote the night the first run had written.
    TestSpark.assertSameRows(
        comparable(warehouse().readAt(Tables.FORECASTS, nightVersion)),
        comparable(stored.filter(col(AS_OF).equalTo(Timestamp.from(Instant.parse(NIGHT))))));
  }

  /**
   * The demo on a daily market with small forests and one horizon (7d, to keep it short): every
   * step line, the gate table, and one forecast per symbol whose model agrees with what the gate
   * decided.
   */
  @Test
  @Order(3)
  void demoRunsTheWholeStoryAndForecastsWithWhatTheGatePromoted() throws IOException {
    Path demoConf =
        Files.writeString(
            tmp.resolve("demo.conf"),
            String.join(
                "\n",
                "forecaster.horizons-minutes = [10080]",
                "forecaster.model.random-forest.num-trees = 10",
                "forecaster.model.random-forest.max-depth = 4",
                "forecaster.spark { \"spark.sql.shuffle.partitions\" = \"2\" }"));
    Path out = tmp.resolve("demo");
    Run demo =
        run(
            "demo",
            "--out",
            out.toString(),
            "--bar",
            "1d",
            "--no-serve",
            "--port",
            "18999",
            "--conf",
            demoConf.toString());
    assertEquals(0, demo.code(), demo.err());
    List<String> lines = demo.out().lines().toList();
    for (String step : List.of("generate", "ingest", "features", "retrain", "forecast")) {
      assertTrue(
          lines.stream().anyMatch(l -> l.matches("\\[ *\\d+ s\\] " + step + " +.+")),
          step + " in\n" + demo.out());
    }
    assertTrue(demo.out().contains("features  270 rows for the last 90 days"), demo.out());
    assertTrue(
        demo.out().contains("start the reader with:\n  bin/forecaster serve --warehouse "),
        demo.out());
    assertTrue(
        demo.out()
            .contains(
                "curl 'http://127.0.0.1:18999/forecast/asset?symbol=BTC-USD&horizon_minutes=10080'"),
        demo.out());

    // The gate table: one line per horizon, "name version gate ... status".
    Map<String, String[]> gate = new HashMap<>();
    for (String l : lines) {
      if (l.startsWith("ml_forecaster_")) {
        String[] cells = l.trim().split(" +");
        gate.put(cells[0], cells);
      }
    }
    assertEquals(List.of("ml_forecaster_7d_rf"), List.copyOf(gate.keySet()), demo.out());

    Dataset<Row> forecasts =
        new Warehouse(
                TestSpark.session(),
                ConfigLoader.load(null, Map.of("warehouse", out.resolve("warehouse").toString())))
            .read(Tables.FORECASTS);
    List<Row> rows = forecasts.collectAsList();
    assertEquals(3, rows.size(), "3 symbols x 1 horizon at the last as-of");
    List<String> printed = new ArrayList<>();
    for (String l : lines) {
      if (l.matches("(BTC|ETH|XMR)-USD .*")) {
        printed.add(l);
      }
    }
    assertEquals(3, printed.size(), demo.out());
    for (Row r : rows) {
      int h = r.getAs(HORIZON_MINUTES);
      String name = Horizons.modelName(h);
      String[] cells = gate.get(name);
      assertNotNull(cells, name);
      // cells: name, version, gate, ml_acc, naive, impr_pp, status...
      boolean promoted = cells[6].startsWith("promoted");
      if (promoted) {
        assertEquals(MODEL_TYPE_ML, r.getAs(MODEL_TYPE), name + " passed the gate");
        assertEquals(cells[1], r.getAs(MODEL_VERSION));
      } else {
        assertEquals(MODEL_TYPE_NAIVE, r.getAs(MODEL_TYPE), name + " did not pass the gate");
        assertEquals("no promoted model for " + Horizons.label(h), r.getAs(FALLBACK_REASON));
      }
    }
  }

  static Dataset<Row> comparable(Dataset<Row> forecasts) {
    return forecasts.drop(RUN_ID, CREATED_AT).withColumn(FEATURES_MAP, to_json(col(FEATURES_MAP)));
  }
}
