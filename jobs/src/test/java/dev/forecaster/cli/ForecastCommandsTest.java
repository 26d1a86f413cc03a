package dev.forecaster.cli;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.Horizons;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command lines run in-process: the option errors of {@code forecast} and {@code nightly}, a
 * missing warehouse, and the {@code demo} end to end. Each command stops the Spark session, as the
 * real process does, and {@link TestSpark#session()} builds it again. (Successful {@code forecast}
 * runs, a night and a backfill, are in {@code ForecastJobTest}; {@code nightly} in {@code
 * NightlyJobTest}.)
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

  @BeforeAll
  static void conf() throws IOException {
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
  }

  @Test
  @Order(1)
  void badOptionsAndAnEmptyWarehouseFailWithAOneLineReason() {
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

    Run empty = run("forecast", "--conf", conf, "--as-of", NIGHT);
    assertEquals(1, empty.code());
    assertTrue(
        empty.err().startsWith("error: no prices table at ")
            && empty.err().contains("run `forecaster ingest --prices PATH` first")
            && empty.err().endsWith("\n")
            && empty.err().lines().count() == 1,
        empty.err());
  }

  /**
   * The demo on a daily market with small forests and one horizon (7d, to keep it short): every
   * step line, the gate table, the month of nightly forecasts since the retrain, monitor's
   * outcomes, the report pages, and one forecast per symbol on the last night whose model agrees
   * with what the gate decided.
   */
  @Test
  @Order(2)
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
    for (String step :
        List.of("generate", "ingest", "features", "retrain", "forecast", "monitor", "report")) {
      assertTrue(
          lines.stream().anyMatch(l -> l.matches("\\[ *\\d+ s\\] " + step + " +.+")),
          step + " in\n" + demo.out());
    }
    assertTrue(demo.out().contains("features  270 rows for the last 90 days"), demo.out());
    assertTrue(
        demo.out().contains("start the reader with:\n  bin/forecaster serve --warehouse "),
        demo.out());
    // Every page printed exists: one backtest page per horizon and the monitor page.
    List<String> pages = lines.stream().filter(l -> l.startsWith("  file:/")).toList();
    assertEquals(2, pages.size(), demo.out());
    for (String page : pages) {
      assertTrue(Files.isRegularFile(Path.of(java.net.URI.create(page.trim()))), page);
    }
    assertTrue(
        Files.readString(out.resolve("reader-curl.txt"))
            .contains("/forecast/asset?symbol=BTC-USD"));
    assertTrue(
        demo.out()
            .contains(
                "curl 'http://127.0.0.1:18999/forecast/asset?symbol=BTC-USD&horizon_minutes=10080'"),
        demo.out());

    // Another market into the same folder would blend with this one's tables: refused up front.
    Run other = run("demo", "--out", out.toString(), "--bar", "1d", "--signal", "0", "--no-serve");
    assertEquals(1, other.code());
    assertTrue(
        other.err().contains("holds a demo of a market generated with other settings"),
        other.err());

    // The gate table: one line per horizon, "name version gate ... mcnemar_p status".
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
    assertEquals(
        31,
        forecasts.select(AS_OF).distinct().count(),
        "the 30 nights since the retrain and the last one");
    List<Row> rows =
        forecasts
            .filter(
                col(AS_OF)
                    .equalTo(
                        forecasts
                            .agg(org.apache.spark.sql.functions.max(AS_OF))
                            .first()
                            .getTimestamp(0)))
            .collectAsList();
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
      // cells: name, version, gate, ml_acc, naive, impr_pp, mcnemar_p, status...
      boolean promoted = cells[7].startsWith("promoted");
      if (promoted) {
        assertEquals(MODEL_TYPE_ML, r.getAs(MODEL_TYPE), name + " passed the gate");
        assertEquals(cells[1], r.getAs(MODEL_VERSION));
      } else {
        assertEquals(MODEL_TYPE_NAIVE, r.getAs(MODEL_TYPE), name + " did not pass the gate");
        assertEquals("no promoted model for " + Horizons.label(h), r.getAs(FALLBACK_REASON));
      }
    }
  }
}
