package dev.forecaster.nightly;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.cli.ForecasterCli;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * {@link NightlyJob} on one warehouse, in order: with nothing to ingest and no data the night says
 * so and fails at the features step; a night run as the {@code nightly} command line ingests a
 * generated market from the configured landing folders and prints one line per step; the same night
 * again changes nothing but the run ids.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyJobTest {
  static final Instant NIGHT = Instant.parse("2024-04-01T00:00:00Z");
  static final List<String> STEPS = List.of("ingest", "features", "forecast", "monitor");

  @TempDir static Path tmp;
  static long landingLines;

  static ForecasterConfig config(String landingPrices, String landingEvents) {
    return ConfigLoader.load(
        null,
        Map.of(
            "warehouse",
            tmp.resolve("warehouse").toString(),
            "horizons-minutes",
            List.of(1440),
            "ingest.landing-prices",
            landingPrices,
            "ingest.landing-events",
            landingEvents));
  }

  static ForecasterConfig withLanding() {
    return config(
        tmp.resolve("landing/prices").toString(), tmp.resolve("landing/events").toString());
  }

  /** The warehouse, on the current session (a command line stops the one before). */
  static Warehouse warehouse() {
    return new Warehouse(TestSpark.session(), withLanding());
  }

  @BeforeAll
  static void landing() throws IOException {
    new SyntheticMarket(
            new MarketSpec(
                List.of("BTC-USD", "ETH-USD"),
                MarketSpec.DEFAULT_START,
                100,
                86_400,
                5,
                0.5,
                0.0,
                0.3,
                0.2,
                0.15))
        .write(tmp.resolve("landing"), s -> {});
    // Data lines of the landing files, counted here rather than taken from the generator.
    for (String f : List.of("prices/BTC-USD.csv", "prices/ETH-USD.csv", "events/events.csv")) {
      landingLines += Files.readAllLines(tmp.resolve("landing").resolve(f)).size() - 1;
    }
  }

  static List<NightlyJob.Step> night(ForecasterConfig config, Instant asOf) {
    List<NightlyJob.Step> printed = new ArrayList<>();
    NightlyJob.Run run = new NightlyJob(TestSpark.session(), config).run(asOf, printed::add);
    assertEquals(run.steps(), printed, "each step is reported as it finishes, once");
    assertEquals(STEPS, printed.stream().map(NightlyJob.Step::name).toList());
    for (NightlyJob.Step s : printed) {
      assertTrue(s.seconds() >= 0);
      assertTrue(
          s.toString().matches(String.format("%-9s", s.name()) + " +\\d+\\.\\d s  .+"),
          s.toString());
    }
    return printed;
  }

  static Dataset<Row> at(String table, Instant asOf) {
    return warehouse().read(table).filter(col(AS_OF).equalTo(Timestamp.from(asOf)));
  }

  @Test
  @Order(0)
  void withNothingToIngestTheNightSaysSoBeforeItsFirstFailingStep() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty-landing"));
    List<NightlyJob.Step> printed = new ArrayList<>();
    ForecasterException e =
        assertThrows(
            ForecasterException.class,
            () ->
                new NightlyJob(TestSpark.session(), config(empty.toString(), ""))
                    .run(NIGHT, printed::add));
    assertEquals(List.of("ingest"), printed.stream().map(NightlyJob.Step::name).toList());
    assertEquals(
        "skipped: no landing folder with files (set forecaster.ingest.landing-prices and"
            + " landing-events)",
        printed.get(0).summary());
    assertTrue(e.getMessage().startsWith("no prices table at "), e.getMessage());
  }

  @Test
  @Order(1)
  void theNightlyCommandIngestsTheLandingFoldersAndPrintsOneLinePerStep() throws IOException {
    Path conf =
        Files.writeString(
            tmp.resolve("nightly.conf"),
            String.join(
                "\n",
                "forecaster {",
                "  warehouse = \"" + tmp.resolve("warehouse") + "\"",
                "  horizons-minutes = [1440]",
                "  ingest.landing-prices = \"" + tmp.resolve("landing/prices") + "\"",
                "  ingest.landing-events = \"" + tmp.resolve("landing/events") + "\"",
                "  spark { \"spark.sql.shuffle.partitions\" = \"2\" }",
                "}"));
    TestSpark.session(); // the command runs in it, and stops it
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ForecasterCli.execute(
            new String[] {"nightly", "--conf", conf.toString(), "--as-of", NIGHT.toString()},
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    List<String> lines = out.toString().lines().toList();
    for (int i = 0; i < STEPS.size(); i++) {
      assertTrue(lines.get(i).matches(STEPS.get(i) + " +\\d+\\.\\d s  .+"), out.toString());
    }
    assertTrue(
        lines
            .get(0)
            .endsWith(
                String.format(
                    "read %d lines, accepted %d, duplicates 0, quarantined 0",
                    landingLines, landingLines)),
        lines.get(0));
    assertTrue(lines.get(1).endsWith("  2 rows (lookback 60 d, Delta version 0)"), lines.get(1));
    Matcher forecast =
        Pattern.compile("forecast .*  2 rows, 2 naive, run (forecast-\\S+), Delta version \\d+")
            .matcher(lines.get(2));
    assertTrue(forecast.matches(), lines.get(2));

    Warehouse warehouse = warehouse();
    assertEquals(200, warehouse.read(Tables.PRICES).count());
    assertEquals(landingLines - 200, warehouse.read(Tables.EVENTS).count());
    assertEquals(2, at(Tables.FEATURES, NIGHT).count());
    assertEquals(
        List.of(forecast.group(1), forecast.group(1)),
        at(Tables.FORECASTS, NIGHT).select(RUN_ID).as(Encoders.STRING()).collectAsList(),
        "2 symbols x 1 horizon, from that run");
  }

  @Test
  @Order(2)
  void reRunningTheNightChangesNothingButTheRunIds() {
    Warehouse warehouse = warehouse();
    Map<String, Long> versions = warehouse.versions(Tables.PRICES, Tables.EVENTS);
    Dataset<Row> prices = warehouse.readAt(Tables.PRICES, versions.get(Tables.PRICES));
    Dataset<Row> events = warehouse.readAt(Tables.EVENTS, versions.get(Tables.EVENTS));
    long featuresVersion = warehouse.currentVersion(Tables.FEATURES);
    long forecastsVersion = warehouse.currentVersion(Tables.FORECASTS);
    List<Row> runIds = at(Tables.FORECASTS, NIGHT).select(RUN_ID).distinct().collectAsList();

    night(withLanding(), NIGHT);

    TestSpark.assertSameRows(prices, warehouse.read(Tables.PRICES));
    TestSpark.assertSameRows(events, warehouse.read(Tables.EVENTS));
    TestSpark.assertSameRows(
        warehouse.readAt(Tables.FEATURES, featuresVersion), warehouse.read(Tables.FEATURES));
    Dataset<Row> before = warehouse.readAt(Tables.FORECASTS, forecastsVersion);
    Dataset<Row> after = warehouse.read(Tables.FORECASTS);
    assertEquals(2, after.count());
    TestSpark.assertSameRows(comparable(before), comparable(after));
    assertNotEquals(runIds, after.select(RUN_ID).distinct().collectAsList());
  }

  static Dataset<Row> comparable(Dataset<Row> forecasts) {
    return forecasts.drop(RUN_ID, CREATED_AT).withColumn(FEATURES_MAP, to_json(col(FEATURES_MAP)));
  }
}
