package dev.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.features.FeaturesJob;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.io.WarehouseCatalog;
import dev.forecaster.monitor.MonitoredWarehouse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sql} on the monitored warehouse of the monitor tests (BTC-USD and ETH-USD, 1-day and 7-day
 * forecasts of the 34 nights 2024-12-15 .. 2025-01-17, their outcomes and metrics), with features
 * written for its last 8 nights: every example query of docs/tables.md, the output formats, the
 * refusal of writes, and statements read from standard input.
 */
class SqlCommandTest {
  @TempDir static Path tmp;
  static MonitoredWarehouse monitored;
  static String warehouse;

  @BeforeAll
  static void featuresOfTheLastNights() {
    monitored = MonitoredWarehouse.get();
    warehouse = monitored.config.warehouse();
    if (!monitored.warehouse().exists(Tables.FEATURES)) {
      List<Instant> nights = new ArrayList<>();
      for (int d = 7; d >= 0; d--) {
        nights.add(MonitoredWarehouse.LAST_FORECAST.minusSeconds(d * 86_400L));
      }
      new FeaturesJob(TestSpark.session(), monitored.config).run(nights, 60);
    }
  }

  record Run(int code, String out, String err) {}

  static Run sql(String... args) {
    // The command stops the session when it ends, as the real process does: build it again.
    TestSpark.session();
    List<String> all = new ArrayList<>(List.of("sql", "--warehouse", warehouse));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ForecasterCli.execute(
            all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** The ```sql blocks of docs/tables.md. */
  static List<String> docExamples() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "tables.md"));
    Matcher m = Pattern.compile("```sql\n(.*?)```", Pattern.DOTALL).matcher(doc);
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  @Test
  void everyExampleQueryOfTheTablesDocRunsAndReturnsRows() throws IOException {
    List<String> examples = docExamples();
    assertEquals(10, examples.size(), "docs/tables.md promises ten queries");
    Path file = Files.writeString(tmp.resolve("examples.sql"), String.join("\n", examples));
    int statements = SqlStatements.split(String.join("\n", examples)).size();
    Run run = sql("-f", file.toString());
    assertEquals(0, run.code(), run.err());
    List<Long> counts = new ArrayList<>();
    Matcher m = Pattern.compile("^\\((\\d+) rows?\\)$", Pattern.MULTILINE).matcher(run.out());
    while (m.find()) {
      counts.add(Long.parseLong(m.group(1)));
    }
    assertEquals(statements, counts.size(), run.out());
    for (int i = 0; i < counts.size(); i++) {
      assertTrue(counts.get(i) > 0, "statement " + (i + 1) + " returned no row:\n" + run.out());
    }
    // 1: the last night's forecasts, 2 symbols x 2 horizons; 3: one row per night.
    assertEquals(4, counts.get(0));
    assertEquals(MonitoredWarehouse.NIGHTS, counts.get(2));
    // 5: the 8 nights of features written above.
    assertEquals(8, counts.get(4));
  }

  @Test
  void csvAndJsonCarryEveryValueAndTablesStayAsTheyWere() {
    Warehouse w = monitored.warehouse();
    Map<String, Long> before = w.versions(WarehouseCatalog.TABLES.toArray(String[]::new));
    long forecasts = w.read(Tables.FORECASTS).count();
    assertEquals(MonitoredWarehouse.NIGHTS * 2 * 2, forecasts);

    Run csv =
        sql(
            "--format",
            "csv",
            "-e",
            "SELECT count(*) AS n FROM forecasts;"
                + " SELECT 'a,b' AS s, 1.5 AS x, CAST(NULL AS INT) AS z,"
                + " TIMESTAMP '2025-01-17 00:00:00' AS t");
    assertEquals(0, csv.code(), csv.err());
    assertEquals("n\n" + forecasts + "\ns,x,z,t\n\"a,b\",1.5,,2025-01-17T00:00:00Z\n", csv.out());

    Run json =
        sql(
            "--format",
            "json",
            "-e",
            "SELECT 'a' AS s, CAST(NULL AS INT) AS z, map('k', 1.0D) AS m;"
                + " SELECT count(*) AS n FROM prices VERSION AS OF 1");
    assertEquals(0, json.code(), json.err());
    // (each command stopped the session the warehouse above was bound to)
    long pricesAtOne = monitored.warehouse().readAt(Tables.PRICES, 1).count();
    assertEquals(
        "{\"s\":\"a\",\"z\":null,\"m\":{\"k\":1.0}}\n{\"n\":" + pricesAtOne + "}\n", json.out());

    Run refused = sql("-e", "DELETE FROM forecasts WHERE symbol = 'BTC-USD'");
    assertEquals(1, refused.code());
    assertTrue(
        refused.err().startsWith("error: refused: 'DELETE FROM forecasts")
            && refused.err().contains("sql is read-only"),
        refused.err());
    Run unknown = sql("-e", "SELECT * FROM forecast");
    assertEquals(1, unknown.code());
    assertTrue(
        unknown.err().contains("TABLE_OR_VIEW_NOT_FOUND")
            && unknown.err().contains("docs/tables.md"),
        unknown.err());

    Warehouse after = monitored.warehouse();
    assertEquals(before, after.versions(WarehouseCatalog.TABLES.toArray(String[]::new)));
    assertEquals(forecasts, after.read(Tables.FORECASTS).count());
  }

  @Test
  void withoutQueryOrFileStatementsComeFromStandardInput() {
    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream(
              ("SELECT 41 + 1 AS answer;\nSELECT symbol\n  FROM prices GROUP BY symbol\n"
                      + "  ORDER BY symbol;\nSELECT nope;\nexit;\nSELECT 'not run';\n")
                  .getBytes(StandardCharsets.UTF_8)));
      Run run = sql();
      assertEquals(1, run.code(), "a failed statement makes the exit code 1");
      assertEquals(
          "answer\n------\n    42\n(1 row)\n" + "symbol\n-------\nBTC-USD\nETH-USD\n(2 rows)\n",
          run.out());
      assertTrue(run.err().contains("error: the statement 'SELECT nope' failed"), run.err());
    } finally {
      System.setIn(stdin);
    }
  }
}
