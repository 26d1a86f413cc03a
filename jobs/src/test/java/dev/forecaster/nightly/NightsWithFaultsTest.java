package dev.forecaster.nightly;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.features.FeaturesJob;
import dev.forecaster.forecast.ForecastJob;
import dev.forecaster.ingest.IngestJob;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.monitor.Alerts;
import dev.forecaster.monitor.Outcomes;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.retrain.RetrainJob;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Night after night through the landing folders, as Airflow runs it ({@code nightly --as-of} each
 * night, a retrain on the first of the month after that night), with the faults of {@link
 * FaultyFeed}. After every night: nothing wedges, the prices and events tables hold exactly what
 * was delivered and valid, every rejected row is in quarantine with its reason, the ingest ledger
 * reconciles with the lines written, and at most one model is promoted. At the end, the features
 * and forecasts of every night equal a clean recomputation (a new warehouse fed only the data known
 * at that night), the outcomes say why they cannot be scored, and the data-fault alerts fired.
 *
 * <p>{@code -Dforecaster.faults.nights=N} plays a longer run ({@code bench/faults.sh}).
 */
class NightsWithFaultsTest {
  static final Instant FIRST_NIGHT = Instant.parse("2024-04-24T00:00:00Z");
  static final int NIGHTS = Integer.getInteger("forecaster.faults.nights", 9);

  @TempDir static Path tmp;

  static ForecasterConfig config(Path warehouse, Path models) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("warehouse", warehouse.toString());
    settings.put("models-root", models.toString());
    settings.put("horizons-minutes", List.of(1440));
    settings.put("ingest.landing-prices", tmp.resolve("landing/prices").toString());
    settings.put("ingest.landing-events", tmp.resolve("landing/events").toString());
    settings.put("ingest.bar", "1d");
    settings.put("model.random-forest.num-trees", 5);
    settings.put("model.random-forest.max-depth", 3);
    settings.put("backtest.days", 20);
    // Promote whatever the retrain trains: the run then serves a model, and the registry's
    // "exactly one promoted" invariant is exercised.
    settings.put("gate.min-improvement-pp", -100.0);
    settings.put("gate.min-symbol-accuracy", 0.0);
    settings.put("gate.min-beat-share", 0.0);
    return ConfigLoader.load(null, settings);
  }

  @Test
  void nightAfterNightWithFaultsNothingWedgesAndEveryNightEqualsACleanRecomputation()
      throws Exception {
    SparkSession spark = TestSpark.session();
    FaultyFeed feed =
        new FaultyFeed(tmp.resolve("generated"), tmp.resolve("landing"), FIRST_NIGHT, NIGHTS, 11);
    Path models = tmp.resolve("models");
    ForecasterConfig config = config(tmp.resolve("warehouse"), models);
    Warehouse warehouse = new Warehouse(spark, config);
    List<Instant> retrainedAt = new ArrayList<>();
    Map<Instant, List<String>> alerts = new TreeMap<>();
    for (int i = 0; i < NIGHTS; i++) {
      Instant night = feed.night(i);
      feed.deliver(i);
      Clock clock = Clock.fixed(night.plus(Duration.ofHours(1)), ZoneOffset.UTC);
      NightlyJob.Run run =
          new NightlyJob(spark, config, clock).run(night, s -> System.out.println("  " + s));
      boolean broken = i % FaultyFeed.CYCLE == 5;
      assertEquals(
          broken ? 1 : 0, run.unreadableFiles().size(), night + ": " + run.unreadableFiles());
      List<String> names = new ArrayList<>();
      run.monitor().alerts().forEach(a -> names.add(a.alert() + " " + a.symbol()));
      alerts.put(night, names);
      if (night.atZone(ZoneOffset.UTC).getDayOfMonth() == 1) {
        new RetrainJob(spark, config).run(night);
        retrainedAt.add(night);
      }
      checkTables(warehouse, feed, night);
      System.out.printf("night %d (%s) played and checked; alerts %s%n", i, night, names);
    }
    assertTrue(!retrainedAt.isEmpty(), "the run crosses a month start");

    // Data-fault alerts (night index -> alert), from the schedule of FaultyFeed.
    assertTrue(
        alerts.get(feed.night(1)).contains(Alerts.QUARANTINE_SPIKE + " null"), alerts.toString());
    // AAA-USD's latest candle at n5 closed at n2 (delivered late, at n3): 72 h > 48 h. At n4: 48 h.
    assertTrue(
        alerts.get(feed.night(5)).contains(Alerts.DATA_STALE + " AAA-USD"), alerts.toString());
    assertTrue(
        !alerts.get(feed.night(4)).contains(Alerts.DATA_STALE + " AAA-USD"), alerts.toString());
    assertTrue(
        alerts.get(feed.night(5)).contains(Alerts.UNREADABLE_FILE + " null"), alerts.toString());
    // CCC-USD's last delivery came at n3 + 1 h: silent 71 h at n6, 47 h at n5.
    assertTrue(
        alerts.get(feed.night(6)).contains(Alerts.FEED_SILENT + " CCC-USD"), alerts.toString());
    assertTrue(
        !alerts.get(feed.night(5)).contains(Alerts.FEED_SILENT + " CCC-USD"), alerts.toString());
    assertTrue(!alerts.get(feed.night(2)).toString().contains("AAA-USD"), alerts.toString());

    // Outcomes: scored or unscorable with the reason of the fault; none blocks a later night.
    Map<String, String> reasons = new TreeMap<>();
    for (Row r :
        warehouse
            .read(Tables.FORECAST_OUTCOMES)
            .filter(col(UNSCORABLE_REASON).isNotNull())
            .select(SYMBOL, AS_OF, UNSCORABLE_REASON)
            .collectAsList()) {
      reasons.put(r.getString(0) + "@" + r.getTimestamp(1).toInstant(), r.getString(2));
    }
    // AAA-USD at n3: P*(n3) is n2's candle (late, but known by then); nothing closed in (n2, n4]:
    // a hole at t + h, first seen as a stopped feed, re-examined once AAA-USD came back at n8.
    assertEquals(
        Outcomes.NO_PRICE_AT_HORIZON, reasons.get("AAA-USD@" + feed.night(3)), reasons.toString());
    // AAA-USD at n5: nothing closed in (n3, n5]: stale at its own as-of.
    assertEquals(
        Outcomes.STALE_PRICE_AT_AS_OF, reasons.get("AAA-USD@" + feed.night(5)), reasons.toString());
    // CCC-USD stopped at n3: t + h = n5 is S after its last candle.
    assertEquals(
        Outcomes.SYMBOL_FEED_STOPPED, reasons.get("CCC-USD@" + feed.night(4)), reasons.toString());
    assertEquals(
        0,
        warehouse
            .read(Tables.FORECAST_OUTCOMES)
            .filter(col(UNSCORABLE_REASON).isNotNull().and(col(CORRECT).isNotNull()))
            .count(),
        "an unscorable outcome has no verdict");

    long differences = cleanRecomputationDifferences(spark, feed, warehouse, config, retrainedAt);
    System.out.printf(
        "fault simulation: %d nights, %d retrains, faults %s, quarantined %s, differences from the"
            + " clean recomputation: %d%n",
        NIGHTS, retrainedAt.size(), feed.faults, quarantineByReason(warehouse), differences);
    assertEquals(0, differences);
  }

  /** After a night: the tables hold exactly what a correct warehouse holds. */
  static void checkTables(Warehouse warehouse, FaultyFeed feed, Instant night) {
    Map<String, Double> prices = new TreeMap<>();
    for (Row r : warehouse.read(Tables.PRICES).select(SYMBOL, OPEN_TIME, CLOSE).collectAsList()) {
      prices.put(FaultyFeed.key(r.getString(0), r.getTimestamp(1).toInstant()), r.getDouble(2));
    }
    assertEquals(feed.knownCloses, prices, night + ": prices");
    TreeSet<String> events = new TreeSet<>();
    warehouse
        .read(Tables.EVENTS)
        .select(EVENT_ID)
        .collectAsList()
        .forEach(r -> events.add(r.getString(0)));
    assertEquals(feed.knownEvents.keySet(), events, night + ": events");

    TreeSet<String> quarantined = new TreeSet<>();
    List<Row> rejected =
        warehouse.exists(Tables.QUARANTINE)
            ? warehouse
                .read(Tables.QUARANTINE)
                .select(SOURCE_FILE, LINE_NUMBER, REASON)
                .collectAsList()
            : List.of();
    for (Row r : rejected) {
      String reason = r.getString(2);
      if (reason.startsWith(IngestJob.UNREADABLE_FILE)) {
        reason = IngestJob.UNREADABLE_FILE;
      }
      quarantined.add(name(r.getString(0)) + ":" + r.getLong(1) + " " + reason);
    }
    TreeSet<String> expected = new TreeSet<>();
    feed.rejections.forEach(q -> expected.add(q.file() + ":" + q.line() + " " + q.reason()));
    assertEquals(expected, quarantined, night + ": quarantine");

    // Ledger: every landing file once, its lines reconciled, and as many as were written.
    Map<String, Long> read = new TreeMap<>();
    for (Row r : warehouse.read(Tables.INGESTED_FILES).collectAsList()) {
      long lines = r.<Long>getAs(ROWS_READ);
      assertEquals(
          lines,
          r.<Long>getAs(ROWS_ACCEPTED)
              + r.<Long>getAs(ROWS_DUPLICATE)
              + r.<Long>getAs(ROWS_QUARANTINED),
          r.toString());
      read.merge(name(r.getAs(SOURCE_FILE)), lines, Long::sum);
    }
    Map<String, Long> written = new TreeMap<>(feed.linesWritten);
    written.keySet().removeIf(f -> f.endsWith("-broken.csv"));
    read.keySet().removeIf(f -> f.endsWith("-broken.csv"));
    assertEquals(written, read, night + ": ledger");

    if (warehouse.exists(Tables.MODEL_REGISTRY)) {
      for (Row r :
          warehouse
              .read(Tables.MODEL_REGISTRY)
              .filter(col("status").equalTo(RegistryEntry.PROMOTED))
              .groupBy(HORIZON_MINUTES)
              .count()
              .collectAsList()) {
        assertEquals(1L, r.getLong(1), night + ": one promoted per horizon");
      }
    }
  }

  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static Map<String, Long> quarantineByReason(Warehouse warehouse) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r :
        warehouse
            .read(Tables.QUARANTINE)
            .withColumn("_reason", substring_index(col(REASON), ":", 1))
            .groupBy("_reason")
            .count()
            .collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  /**
   * Recomputes every night's features and forecasts on new warehouses fed only the data known at
   * that night, and counts the values that differ from what the nightly runs stored. A night is
   * recomputed on the warehouse of the latest snapshot (the data known after a later night) whose
   * candles closed by the night and events before it are exactly those known at the night: the
   * features and forecasts of an as-of read nothing after it, so the night sees only what it knew,
   * and nights sharing a snapshot share a warehouse (a night that a later late or corrected candle
   * changed cannot use the final data, but may share a snapshot that still agrees at it). On each
   * warehouse the nights before a retrain are forecast first, with no registry; then a copy of the
   * run's registry is added and the nights after it are forecast (the models themselves are the
   * run's artifacts).
   */
  static long cleanRecomputationDifferences(
      SparkSession spark,
      FaultyFeed feed,
      Warehouse simulated,
      ForecasterConfig simConfig,
      List<Instant> retrainedAt)
      throws Exception {
    int last = NIGHTS - 1;
    Map<Integer, List<Instant>> bySnapshot = new TreeMap<>();
    for (int i = 0; i < NIGHTS; i++) {
      Instant night = feed.night(i);
      int snapshot = i;
      for (int j = last; j > i; j--) {
        if (FaultyFeed.closedBy(feed.closesAfterNight.get(i), night)
                .equals(FaultyFeed.closedBy(feed.closesAfterNight.get(j), night))
            && FaultyFeed.before(feed.eventsAfterNight.get(i), night)
                .equals(FaultyFeed.before(feed.eventsAfterNight.get(j), night))) {
          snapshot = j;
          break;
        }
      }
      bySnapshot.computeIfAbsent(snapshot, k -> new ArrayList<>()).add(night);
    }
    System.out.println("clean recomputation: snapshot -> nights " + bySnapshot);
    long differences = 0;
    for (Map.Entry<Integer, List<Instant>> g : bySnapshot.entrySet()) {
      Path root = tmp.resolve("clean/snapshot-" + g.getKey());
      int snapshot = g.getKey();
      feed.writeClean(
          root.resolve("landing"),
          feed.closesAfterNight.get(snapshot),
          feed.eventsAfterNight.get(snapshot));
      ForecasterConfig config =
          ConfigLoader.load(
              null,
              Map.of(
                  "warehouse", root.resolve("warehouse").toString(),
                  "models-root", simConfig.resolvedModelsRoot(),
                  "horizons-minutes", List.of(1440)));
      Warehouse clean = new Warehouse(spark, config);
      new IngestJob(spark, config, Clock.systemUTC())
          .run(
              new IngestJob.Request(
                  Optional.of(root.resolve("landing/prices").toString()),
                  Optional.of(root.resolve("landing/events").toString()),
                  OptionalLong.of(86_400)));
      List<Instant> nights = g.getValue();
      new FeaturesJob(spark, config).run(nights, 60);
      List<Instant> withoutModel = new ArrayList<>();
      List<Instant> withModel = new ArrayList<>();
      for (Instant night : nights) {
        (retrainedAt.stream().anyMatch(night::isAfter) ? withModel : withoutModel).add(night);
      }
      if (!withoutModel.isEmpty()) {
        new ForecastJob(spark, config).run(withoutModel);
      }
      if (!withModel.isEmpty()) {
        simulated
            .read(Tables.MODEL_REGISTRY)
            .write()
            .format("delta")
            .save(clean.path(Tables.MODEL_REGISTRY));
        new ForecastJob(spark, config).run(withModel);
      }
      differences += differences(simulated, clean, Tables.FEATURES, nights, featureColumns());
      differences += differences(simulated, clean, Tables.FORECASTS, nights, forecastColumns());
    }
    return differences;
  }

  static List<Column> featureColumns() {
    List<Column> columns = new ArrayList<>(List.of(col(SYMBOL), col(AS_OF), col(LOOKBACK_DAYS)));
    FEATURES.forEach(f -> columns.add(col(f)));
    return columns;
  }

  static List<Column> forecastColumns() {
    List<Column> columns = new ArrayList<>();
    for (String c :
        List.of(
            SYMBOL,
            AS_OF,
            HORIZON_MINUTES,
            LOOKBACK_DAYS,
            EXPECTED_RETURN,
            DIRECTION,
            CONFIDENCE,
            P_UP,
            N_POINTS,
            MODEL_TYPE,
            MODEL_NAME,
            MODEL_VERSION,
            REGIME,
            REGIME_SCORE,
            FALLBACK_REASON)) {
      columns.add(col(c));
    }
    columns.add(to_json(array_sort(map_entries(col(FEATURES_MAP)))).as(FEATURES_MAP));
    return columns;
  }

  /** Values that differ between the two warehouses' rows of the nights (doubles within 1e-9). */
  static long differences(
      Warehouse simulated,
      Warehouse clean,
      String table,
      List<Instant> nights,
      List<Column> columns) {
    Column inNights = col(AS_OF).isin(nights.stream().map(Timestamp::from).toArray());
    Map<String, Row> a =
        keyed(simulated.read(table).filter(inNights).select(columns.toArray(Column[]::new)));
    Map<String, Row> b =
        keyed(clean.read(table).filter(inNights).select(columns.toArray(Column[]::new)));
    long diff = 0;
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String k : keys) {
      Row x = a.get(k);
      Row y = b.get(k);
      if (x == null || y == null) {
        System.out.printf(
            "%s %s: only in the %s warehouse%n", table, k, x == null ? "clean" : "simulated");
        diff++;
        continue;
      }
      for (int f = 0; f < x.length(); f++) {
        Object u = x.get(f);
        Object v = y.get(f);
        boolean same =
            u instanceof Double d && v instanceof Double e
                ? Math.abs(d - e) <= 1e-9 * Math.max(1, Math.abs(d))
                : java.util.Objects.equals(u, v);
        if (!same) {
          System.out.printf(
              "%s %s %s: %s (nightly) vs %s (clean)%n", table, k, x.schema().fieldNames()[f], u, v);
          diff++;
        }
      }
    }
    return diff;
  }

  private static Map<String, Row> keyed(Dataset<Row> rows) {
    Map<String, Row> out = new TreeMap<>();
    for (Row r : rows.collectAsList()) {
      String key = r.getAs(SYMBOL) + "@" + r.getAs(AS_OF) + "/" + r.getAs(LOOKBACK_DAYS);
      if (java.util.Arrays.asList(r.schema().fieldNames()).contains(HORIZON_MINUTES)) {
        key += "/" + r.getAs(HORIZON_MINUTES);
      }
      out.put(key, r);
    }
    return out;
  }
}
