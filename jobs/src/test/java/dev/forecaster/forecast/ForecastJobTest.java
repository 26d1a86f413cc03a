package dev.forecaster.forecast;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.cli.ForecasterCli;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.features.FeaturesJob;
import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import dev.forecaster.ingest.IngestJob;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.TrainModelJob;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.Promotions;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.registry.StatusChange;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ForecastJob}, {@link ModelLoader} and {@link Warehouse#replaceForecasts} on one warehouse:
 * a generated daily market (BTC-USD, ETH-USD from 2024-06-01) plus hand-written symbols:
 *
 * <ul>
 *   <li>GAP-USD: no candles opening 2025-01-04..08, so at 2025-01-15 its d_7 is missing;
 *   <li>NEW-USD: closes 100, 110, 121, 133.1 opening 2025-01-13.. (one 1-day return at 01-15);
 *   <li>TWO-USD: the same a day earlier (two 1-day returns at 01-15);
 *   <li>LATE-USD: listed 2025-01-14, first close 01-15 (nothing known at 01-14).
 * </ul>
 *
 * Horizons 1d and 7d. The 7d model has two versions, both trained on data known at 2025-01-15,
 * promoted v1 then v2; 1d has none. The re-run and the backfill go through the {@code forecast}
 * command line, in-process. Expected values are recomputed here from the stored candles with plain
 * Java loops (P*, R_j, the regime regression), not with the pipeline's functions.
 */
class ForecastJobTest {
  static final Instant TRAINED = Instant.parse("2025-01-15T00:00:00Z");
  static final Instant NIGHT = TRAINED;
  static final Instant BEFORE = Instant.parse("2025-01-14T00:00:00Z");
  static final Instant FAILURE_NIGHT = Instant.parse("2025-01-16T00:00:00Z");
  static final int H1 = 1440;
  static final int H7 = 10_080;
  static final long DAY = 86_400L;
  static final long S = 2 * DAY;
  static final String V1 = "ml_forecaster_7d_rf:v1";
  static final String V2 = "ml_forecaster_7d_rf:v2";
  static final double EPS = 1e-9;

  @TempDir static Path tmp;
  static ForecasterConfig config;
  static String conf;

  @BeforeAll
  static void market() throws IOException {
    config =
        ConfigLoader.load(
            null,
            Map.of(
                "warehouse",
                tmp.resolve("warehouse").toString(),
                "horizons-minutes",
                List.of(H1, H7),
                "model.random-forest.num-trees",
                10,
                "model.random-forest.max-depth",
                4));
    Path landing = tmp.resolve("landing");
    new SyntheticMarket(
            new MarketSpec(
                List.of("BTC-USD", "ETH-USD"),
                Instant.parse("2024-06-01T00:00:00Z"),
                231,
                DAY,
                11,
                0.5,
                0.0,
                0.6,
                0.4,
                0.15))
        .write(landing, s -> {});
    List<String> gap = new ArrayList<>();
    int k = 0;
    for (Instant o = Instant.parse("2024-10-01T00:00:00Z");
        o.isBefore(Instant.parse("2025-01-18T00:00:00Z"));
        o = o.plusSeconds(DAY), k++) {
      if (o.isBefore(Instant.parse("2025-01-04T00:00:00Z"))
          || o.isAfter(Instant.parse("2025-01-08T00:00:00Z"))) {
        gap.add(candle(o, 50 * (1 + 0.05 * Math.sin(k / 3.0))));
      }
    }
    write(landing.resolve("prices/GAP-USD.csv"), gap);
    listing(landing, "NEW-USD", "2025-01-13T00:00:00Z", 100, 110, 121, 133.1);
    listing(landing, "TWO-USD", "2025-01-12T00:00:00Z", 100, 110, 121, 133.1, 146.41);
    listing(landing, "LATE-USD", "2025-01-14T00:00:00Z", 10, 11, 12);
    new IngestJob(spark(), config, Clock.systemUTC())
        .run(
            new IngestJob.Request(
                Optional.of(landing.resolve("prices").toString()),
                Optional.of(landing.resolve("events").toString()),
                OptionalLong.empty()));

    TrainModelJob train = new TrainModelJob(spark(), config);
    TrainModelJob.Inputs inputs = train.inputs(TRAINED, null);
    TrainModelJob.Trained v1 =
        train.train(inputs, new TrainModelJob.Options(H7, null, false, true, false));
    TrainModelJob.Trained v2 =
        train.train(inputs, new TrainModelJob.Options(H7, null, true, true, false));
    inputs.features().unpersist();
    inputs.labels().unpersist();
    assertEquals(V1, v1.entry().ref());
    assertEquals(V2, v2.entry().ref());
    Instant at = Instant.now();
    registry()
        .apply(Promotions.promote(registry().all(), v1.entry(), "test", at), Map.of(), "test", at);
    registry()
        .apply(
            Promotions.promote(registry().all(), v2.entry(), "test", at.plusSeconds(1)),
            Map.of(),
            "test",
            at.plusSeconds(1));

    conf =
        Files.writeString(
                tmp.resolve("forecast.conf"),
                String.join(
                    "\n",
                    "forecaster {",
                    "  warehouse = \"" + tmp.resolve("warehouse") + "\"",
                    "  horizons-minutes = [1440, 10080]",
                    "  spark { \"spark.sql.shuffle.partitions\" = \"2\" }",
                    "}"))
            .toString();
    // Night by night, as the nightly job runs them.
    ForecastJob job = new ForecastJob(spark(), config);
    job.run(List.of(BEFORE));
    job.run(List.of(NIGHT));
    new FeaturesJob(spark(), config).run(List.of(NIGHT, FAILURE_NIGHT), 60);
  }

  static void listing(Path landing, String symbol, String firstOpen, double... closes)
      throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < closes.length; i++) {
      lines.add(candle(Instant.parse(firstOpen).plusSeconds(i * DAY), closes[i]));
    }
    write(landing.resolve("prices/" + symbol + ".csv"), lines);
  }

  /** The session, warehouse and registry of now: a command line stops the session before. */
  static SparkSession spark() {
    return TestSpark.session();
  }

  static Warehouse warehouse() {
    return new Warehouse(spark(), config);
  }

  static ModelRegistry registry() {
    return new ModelRegistry(spark(), warehouse());
  }

  static String candle(Instant open, double close) {
    return String.format(
        Locale.ROOT, "%s,%s,%s,%s,%s,1000", open, close, close * 1.01, close * 0.99, close);
  }

  static void write(Path file, List<String> lines) throws IOException {
    List<String> all = new ArrayList<>();
    all.add("timestamp,open,high,low,close,volume");
    all.addAll(lines);
    Files.write(file, all, StandardCharsets.UTF_8);
  }

  // ---- independent arithmetic over the stored candles ----

  /** Close time (epoch seconds) -> close of every candle of a symbol. */
  static TreeMap<Long, Double> closes(String symbol) {
    TreeMap<Long, Double> out = new TreeMap<>();
    for (Row r :
        warehouse()
            .read(Tables.PRICES)
            .filter(col(SYMBOL).equalTo(symbol))
            .select(OPEN_TIME, BAR_SECONDS, CLOSE)
            .collectAsList()) {
      out.put(r.getTimestamp(0).toInstant().getEpochSecond() + r.getLong(1), r.getDouble(2));
    }
    return out;
  }

  /** P*(x): the close with the greatest close time c in (x - S, x], else null. */
  static Double priceAt(TreeMap<Long, Double> closes, long x) {
    Map.Entry<Long, Double> e = closes.floorEntry(x);
    return e != null && e.getKey() > x - S ? e.getValue() : null;
  }

  /** The non-null R_j of FORECASTING.md section 4 at t for horizon h (minutes), lookback 60. */
  static List<Double> historicalReturns(TreeMap<Long, Double> closes, Instant t, int h) {
    List<Double> out = new ArrayList<>();
    long t0 = t.getEpochSecond();
    for (int j = 0; t0 - j * DAY - h * 60L >= t0 - 60 * DAY; j++) {
      Double dj = priceAt(closes, t0 - j * DAY);
      Double back = priceAt(closes, t0 - j * DAY - h * 60L);
      if (dj != null && back != null) {
        out.add(dj / back - 1);
      }
    }
    return out;
  }

  static Map<String, Row> rows(Dataset<Row> forecasts, Instant asOf) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : forecasts.filter(col(AS_OF).equalTo(Timestamp.from(asOf))).collectAsList()) {
      assertEquals(60, r.<Integer>getAs(LOOKBACK_DAYS));
      Row previous = out.put(r.<String>getAs(SYMBOL) + "/" + r.<Integer>getAs(HORIZON_MINUTES), r);
      assertNull(previous, "one row per key");
    }
    return out;
  }

  static Map<String, Row> stored(Instant asOf) {
    return rows(warehouse().read(Tables.FORECASTS), asOf);
  }

  static double pUpOf(String pipelineUri, String symbol, Instant asOf) {
    Row scored =
        PipelineModel.load(pipelineUri)
            .transform(
                warehouse()
                    .read(Tables.FEATURES)
                    .filter(
                        col(SYMBOL)
                            .equalTo(symbol)
                            .and(col(AS_OF).equalTo(Timestamp.from(asOf)))
                            .and(col(LOOKBACK_DAYS).equalTo(60))))
            .select("probability")
            .first();
    return scored.<Vector>getAs(0).apply(1);
  }

  static RegistryEntry entry(String ref) {
    return registry().resolve(ref);
  }

  static Path localPath(String uri) {
    return uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
  }

  // ---- tests ----

  static final java.util.Set<String> SYMBOLS_AT_NIGHT =
      java.util.Set.of("BTC-USD", "ETH-USD", "GAP-USD", "NEW-USD", "TWO-USD", "LATE-USD");

  static java.util.Set<String> keys(java.util.Set<String> symbols) {
    java.util.Set<String> keys = new java.util.TreeSet<>();
    for (String s : symbols) {
      keys.add(s + "/" + H1);
      keys.add(s + "/" + H7);
    }
    return keys;
  }

  @Test
  void everySymbolKnownAtTheAsOfHasOneRowPerHorizon() {
    assertEquals(keys(SYMBOLS_AT_NIGHT), new java.util.TreeSet<>(stored(NIGHT).keySet()));
    // LATE-USD's first candle closes at 2025-01-15: the night before knows nothing of it.
    java.util.Set<String> before = new java.util.HashSet<>(SYMBOLS_AT_NIGHT);
    before.remove("LATE-USD");
    assertEquals(keys(before), new java.util.TreeSet<>(stored(BEFORE).keySet()));
  }

  @Test
  void aHorizonWithoutAPromotedModelGetsNaiveRowsWithTheReason() {
    Map<String, Row> rows = stored(NIGHT);
    for (String symbol : List.of("BTC-USD", "ETH-USD", "GAP-USD", "TWO-USD")) {
      Row r = rows.get(symbol + "/" + H1);
      assertEquals(MODEL_TYPE_NAIVE, r.getAs(MODEL_TYPE), symbol);
      assertEquals(NAIVE_MODEL_NAME, r.getAs(MODEL_NAME));
      assertNull(r.getAs(MODEL_VERSION));
      assertNull(r.getAs(P_UP));
      assertNotNull(r.getAs(DIRECTION));
      assertEquals("no promoted model for 1d", r.getAs(FALLBACK_REASON));
    }
    // The naive forecast itself, from the candles: 60 daily 1-day returns.
    List<Double> returns = historicalReturns(closes("BTC-USD"), NIGHT, H1);
    assertEquals(60, returns.size());
    double mean = returns.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    Row r = rows.get("BTC-USD/" + H1);
    assertEquals(mean, r.<Double>getAs(EXPECTED_RETURN), EPS);
    assertEquals(mean > 0 ? UP : DOWN, r.getAs(DIRECTION));
    long agreeing = returns.stream().filter(x -> mean > 0 ? x > 0 : x <= 0).count();
    assertEquals(agreeing / 60.0, r.<Double>getAs(CONFIDENCE), EPS);
  }

  @Test
  void mlRowsFollowTheContract() {
    Map<String, Row> rows = stored(NIGHT);
    for (String symbol : List.of("BTC-USD", "ETH-USD")) {
      Row r = rows.get(symbol + "/" + H7);
      assertEquals(MODEL_TYPE_ML, r.getAs(MODEL_TYPE), symbol);
      assertEquals("ml_forecaster_7d_rf", r.getAs(MODEL_NAME));
      assertEquals("v2", r.getAs(MODEL_VERSION));
      assertNull(r.getAs(FALLBACK_REASON));
      double pUp = r.getAs(P_UP);
      assertEquals(pUp > 0.5 ? UP : DOWN, r.getAs(DIRECTION));
      assertEquals(Math.max(pUp, 1 - pUp), r.<Double>getAs(CONFIDENCE), EPS);
    }

    Row btc = rows.get("BTC-USD/" + H7);
    double pUp = btc.getAs(P_UP);
    assertEquals(
        pUpOf(entry(V2).artifactUri(), "BTC-USD", NIGHT), pUp, 1e-12, "v2's own probability");
    TreeMap<Long, Double> candles = closes("BTC-USD");
    // R_j for h = 7 d, L = 60 d: j = 0..53.
    List<Double> returns = historicalReturns(candles, NIGHT, H7);
    assertEquals(54, returns.size());
    double meanAbs = returns.stream().mapToDouble(Math::abs).average().orElseThrow();
    assertEquals((2 * pUp - 1) * meanAbs, btc.<Double>getAs(EXPECTED_RETURN), EPS);

    // features: the 17 names with the values of the features table's row (BTC-USD, NIGHT, 60).
    Row feature =
        warehouse()
            .read(Tables.FEATURES)
            .filter(col(SYMBOL).equalTo("BTC-USD").and(col(AS_OF).equalTo(Timestamp.from(NIGHT))))
            .first();
    Map<String, Double> map = btc.getJavaMap(btc.fieldIndex(FEATURES_MAP));
    assertEquals(new java.util.HashSet<>(FEATURES), map.keySet());
    for (String f : FEATURES) {
      Object v = feature.getAs(f);
      assertNotNull(v, f + " is known for BTC-USD");
      assertEquals(((Number) v).doubleValue(), map.get(f), 0.0, f);
    }

    // n_points: candles with close in (t - 60 d, t].
    long t0 = NIGHT.getEpochSecond();
    long count = candles.subMap(t0 - 60 * DAY, false, t0, true).size();
    assertEquals(60, count);
    assertEquals(count, btc.<Long>getAs(N_POINTS));
    assertEquals(feature.<Long>getAs(PRICE_N_POINTS), btc.<Long>getAs(N_POINTS));

    // Regime: 30 x least-squares slope of ln(d_j) against x_j = -j, j = 0..29.
    double[] x = new double[30];
    double[] y = new double[30];
    for (int j = 0; j < 30; j++) {
      x[j] = -j;
      y[j] = Math.log(priceAt(candles, t0 - j * DAY));
    }
    double mx = java.util.Arrays.stream(x).average().orElseThrow();
    double my = java.util.Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    for (int j = 0; j < 30; j++) {
      sxy += (x[j] - mx) * (y[j] - my);
      sxx += (x[j] - mx) * (x[j] - mx);
    }
    double score = 30 * sxy / sxx;
    assertEquals(score, btc.<Double>getAs(REGIME_SCORE), 1e-9);
    assertEquals(
        score > 0.05 ? "uptrend" : score < -0.05 ? "downtrend" : "chop", btc.getAs(REGIME));
    assertEquals(score, rows.get("BTC-USD/" + H1).<Double>getAs(REGIME_SCORE), 1e-9);
  }

  @Test
  void aNullPriceR7dFallsBackToNaiveWithFeaturesIncomplete() {
    Row gap = stored(NIGHT).get("GAP-USD/" + H7);
    assertEquals(MODEL_TYPE_NAIVE, gap.getAs(MODEL_TYPE));
    assertEquals(NAIVE_MODEL_NAME, gap.getAs(MODEL_NAME));
    assertNull(gap.getAs(MODEL_VERSION));
    assertNull(gap.getAs(P_UP));
    assertEquals(
        "features incomplete for model "
            + V2
            + ": price_r_7d is null (stale or short price history)",
        gap.getAs(FALLBACK_REASON));
    assertTrue(gap.getMap(gap.fieldIndex(FEATURES_MAP)).contains(PRICE_R_7D));
    assertNull(gap.getMap(gap.fieldIndex(FEATURES_MAP)).apply(PRICE_R_7D));
    // The naive forecast still exists, from 47 of the 54 R_j: P*(x) is null for x = Jan 6..9 (no
    // close in (x - 2 d, x]), which removes d_j for j = 6..9 and the 7-day-back price of j = 0..2.
    List<Double> returns = historicalReturns(closes("GAP-USD"), NIGHT, H7);
    assertEquals(47, returns.size());
    double mean = returns.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertEquals(mean, gap.<Double>getAs(EXPECTED_RETURN), EPS);
    assertEquals(mean > 0 ? UP : DOWN, gap.getAs(DIRECTION));
  }

  @Test
  void withFewerThanTwoReturnsThereIsNoDirectionAndTheRowSaysWhy() {
    Map<String, Row> night = stored(NIGHT);
    // NEW-USD: d_0 = 110 and d_1 = 100, one 1-day return and no 7-day return.
    Row oneDay = night.get("NEW-USD/" + H1);
    assertNull(oneDay.getAs(DIRECTION));
    assertNull(oneDay.getAs(EXPECTED_RETURN));
    assertNull(oneDay.getAs(CONFIDENCE));
    assertEquals(MODEL_TYPE_NAIVE, oneDay.getAs(MODEL_TYPE));
    assertEquals(
        "no promoted model for 1d; naive baseline needs at least 2 historical 1440-minute"
            + " returns in the 60-day lookback, found 1",
        oneDay.getAs(FALLBACK_REASON));
    assertEquals(2L, oneDay.<Long>getAs(N_POINTS));
    assertNull(oneDay.getAs(REGIME), "a regime needs 30 daily prices");
    assertNull(oneDay.getAs(REGIME_SCORE));
    Row sevenDays = night.get("NEW-USD/" + H7);
    assertNull(sevenDays.getAs(DIRECTION));
    assertEquals(MODEL_TYPE_NAIVE, sevenDays.getAs(MODEL_TYPE));
    assertEquals(
        "features incomplete for model "
            + V2
            + ": price_r_7d is null (stale or short price history); naive baseline needs at"
            + " least 2 historical 10080-minute returns in the 60-day lookback, found 0",
        sevenDays.getAs(FALLBACK_REASON));

    // TWO-USD: 121/110 - 1 and 110/100 - 1, two returns of 10%: up with confidence 1.
    Row two = night.get("TWO-USD/" + H1);
    assertEquals(UP, two.getAs(DIRECTION));
    assertEquals(0.1, two.<Double>getAs(EXPECTED_RETURN), 1e-12);
    assertEquals(1.0, two.<Double>getAs(CONFIDENCE), 0.0);
    assertEquals("no promoted model for 1d", two.getAs(FALLBACK_REASON));
  }

  @Test
  void anAsOfBeforeTheModelsTrainingAsOfGetsTheNaiveBaseline() {
    Map<String, Row> before = stored(BEFORE);
    for (String symbol : List.of("BTC-USD", "ETH-USD")) {
      Row r = before.get(symbol + "/" + H7);
      assertEquals(MODEL_TYPE_NAIVE, r.getAs(MODEL_TYPE), symbol);
      assertNull(r.getAs(P_UP));
      assertNotNull(r.getAs(DIRECTION));
      assertEquals(
          "model " + V2 + " was trained on data known at 2025-01-15T00:00:00Z, after this as-of",
          r.getAs(FALLBACK_REASON));
      // A day later, at the training as-of itself, the model.
      assertEquals(MODEL_TYPE_ML, stored(NIGHT).get(symbol + "/" + H7).getAs(MODEL_TYPE));
    }
  }

  @Test
  void anAsOfLongAfterTheDataSaysWhereTheDataEnds() {
    Instant latestClose =
        warehouse().read(Tables.PRICES).collectAsList().stream()
            .map(
                r ->
                    r.<Timestamp>getAs(OPEN_TIME)
                        .toInstant()
                        .plusSeconds(r.<Number>getAs(BAR_SECONDS).longValue()))
            .max(Comparator.naturalOrder())
            .orElseThrow();
    Instant farAhead = Instant.parse("2027-01-01T00:00:00Z");
    ForecasterException e =
        assertThrows(
            ForecasterException.class,
            () -> new ForecastJob(spark(), config).run(List.of(farAhead)));
    assertTrue(
        e.getMessage().contains("the latest candle closed " + latestClose + ", before that"),
        e.getMessage());
    assertTrue(e.getMessage().contains("the as-of " + farAhead), e.getMessage());
  }

  @Test
  void theLoaderChoosesThePromotedVersionOrSaysThereIsNone() {
    ModelLoader loader =
        new ModelLoader(
            registry(), new ModelArtifacts(spark(), config.resolvedModelsRoot()), "loader-test");
    ModelChoice none = loader.choose(H1);
    assertFalse(none.hasModel());
    assertNull(none.entry());
    assertEquals("no promoted model for 1d", none.note());
    ModelChoice promoted = loader.choose(H7);
    assertTrue(promoted.hasModel());
    assertEquals(V2, promoted.entry().ref());
    assertEquals(TRAINED, promoted.trainedAsOf());
    assertNull(promoted.note());
  }

  @Test
  void aPromotedArtifactThatFailsToLoadFallsBackToTheVersionPromotedBefore() throws IOException {
    Path pipeline = localPath(entry(V2).artifactUri());
    Path backup = tmp.resolve("v2-pipeline-backup");
    copy(pipeline, backup);
    try {
      try (Stream<Path> files = Files.walk(pipeline.resolve("metadata"))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Files.writeString(f, "not a pipeline\n");
        }
      }
      ModelLoader loader =
          new ModelLoader(
              registry(), new ModelArtifacts(spark(), config.resolvedModelsRoot()), "loader-run");
      ModelChoice choice = loader.choose(H7);
      assertEquals(V1, choice.entry().ref());
      assertTrue(choice.hasModel());
      assertTrue(
          choice.note().startsWith("model " + V2 + " failed to load: ")
              && choice.note().endsWith("; using " + V1),
          choice.note());
      List<StatusChange> events =
          registry().history().stream().filter(h -> "loader-run".equals(h.runId())).toList();
      assertEquals(1, events.size());
      assertEquals("v2", events.get(0).version());
      assertEquals(RegistryEntry.PROMOTED, events.get(0).fromStatus());
      assertEquals(RegistryEntry.PROMOTED, events.get(0).toStatus());
      assertTrue(events.get(0).reason().startsWith("artifact failed to load: "));
      assertEquals(RegistryEntry.PROMOTED, entry(V2).status(), "a failed load changes no status");

      spark().catalog().clearCache();
      ForecastJob.Result result = new ForecastJob(spark(), config).run(List.of(FAILURE_NIGHT));
      assertTrue(
          spark().sharedState().cacheManager().isEmpty(),
          "a run leaves nothing cached in the session it shares");
      Map<String, Row> rows = stored(FAILURE_NIGHT);
      for (String symbol : List.of("BTC-USD", "ETH-USD")) {
        Row r = rows.get(symbol + "/" + H7);
        assertEquals(MODEL_TYPE_ML, r.getAs(MODEL_TYPE), symbol);
        assertEquals("v1", r.getAs(MODEL_VERSION));
        assertEquals(choice.note(), r.getAs(FALLBACK_REASON));
      }
      assertEquals(
          pUpOf(entry(V1).artifactUri(), "BTC-USD", FAILURE_NIGHT),
          rows.get("BTC-USD/" + H7).<Double>getAs(P_UP),
          1e-12,
          "p_up comes from v1");
      assertEquals(
          List.of("v2"),
          registry().history().stream()
              .filter(h -> result.runId().equals(h.runId()))
              .map(StatusChange::version)
              .toList(),
          "the forecast run recorded the failure under its run id");
    } finally {
      deleteRecursively(pipeline);
      copy(backup, pipeline);
    }
    assertEquals(V2, loaderChoice().entry().ref(), "restored");
  }

  /**
   * Also a run restricted by {@code forecaster.symbols}: afterwards that night has rows of those
   * symbols only.
   */
  @Test
  void whenNoPromotedVersionLoadsTheRowsAreNaiveWithEveryFailure() throws IOException {
    Path v2 = localPath(entry(V2).artifactUri());
    Path v1 = localPath(entry(V1).artifactUri());
    Path v2Away = tmp.resolve("v2-away");
    Path v1Away = tmp.resolve("v1-away");
    Files.move(v2, v2Away);
    Files.move(v1, v1Away);
    ForecasterConfig twoSymbols =
        ConfigLoader.load(
            null,
            Map.of(
                "warehouse",
                tmp.resolve("warehouse").toString(),
                "horizons-minutes",
                List.of(H1, H7),
                "symbols",
                List.of("BTC-USD", "GAP-USD")));
    try {
      ForecastJob.Result result = new ForecastJob(spark(), twoSymbols).run(List.of(FAILURE_NIGHT));
      ModelChoice choice =
          result.choices().stream().filter(c -> c.horizonMinutes() == H7).findFirst().orElseThrow();
      assertFalse(choice.hasModel());
      String note = choice.note();
      assertTrue(note.startsWith("model " + V2 + " failed to load: "), note);
      assertTrue(note.contains("; model " + V1 + " failed to load: "), note);
      assertTrue(note.endsWith("; no earlier promoted version loads"), note);
      Map<String, Row> rows = stored(FAILURE_NIGHT);
      assertEquals(
          keys(java.util.Set.of("BTC-USD", "GAP-USD")), new java.util.TreeSet<>(rows.keySet()));
      for (String symbol : List.of("BTC-USD", "GAP-USD")) {
        Row r = rows.get(symbol + "/" + H7);
        assertEquals(MODEL_TYPE_NAIVE, r.getAs(MODEL_TYPE), symbol);
        assertEquals(NAIVE_MODEL_NAME, r.getAs(MODEL_NAME));
        assertNull(r.getAs(MODEL_VERSION));
        assertNull(r.getAs(P_UP));
        assertNotNull(r.getAs(DIRECTION));
        assertEquals(note, r.getAs(FALLBACK_REASON));
      }
      assertEquals(
          List.of("v1", "v2"),
          registry().history().stream()
              .filter(h -> result.runId().equals(h.runId()))
              .map(StatusChange::version)
              .sorted()
              .toList());
    } finally {
      Files.move(v2Away, v2);
      Files.move(v1Away, v1);
    }
    assertEquals(V2, loaderChoice().entry().ref(), "restored");
  }

  /** Runs a command line in-process; it stops the session, {@link #spark()} builds another. */
  static String[] cli(String... args) {
    spark();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ForecasterCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    return out.toString().lines().toArray(String[]::new);
  }

  @Test
  void reRunningANightWithTheForecastCommandReplacesItsRowsAndLeavesOtherNightsAlone() {
    long version = warehouse().currentVersion(Tables.FORECASTS);
    long total = warehouse().readAt(Tables.FORECASTS, version).count();

    String[] out = cli("forecast", "--conf", conf, "--as-of", "2025-01-15");
    assertEquals("horizon 1440: naive baseline (no promoted model for 1d)", out[0]);
    assertEquals("horizon 10080: " + V2, out[1]);
    Matcher summary =
        Pattern.compile(
                "forecasts: 12 rows \\(10 naive\\) for 1 as-ofs 2025-01-15T00:00:00Z \\.\\."
                    + " 2025-01-15T00:00:00Z, run (forecast-\\S+), Delta version \\d+")
            .matcher(out[2]);
    assertTrue(summary.matches(), out[2]);

    Dataset<Row> before = warehouse().readAt(Tables.FORECASTS, version);
    Dataset<Row> after = warehouse().read(Tables.FORECASTS);
    Timestamp night = Timestamp.from(NIGHT);
    assertEquals(total, after.count());
    assertEquals(
        List.of(summary.group(1)),
        after
            .filter(col(AS_OF).equalTo(night))
            .select(RUN_ID)
            .distinct()
            .as(Encoders.STRING())
            .collectAsList(),
        "every row of the night comes from the new run");
    TestSpark.assertSameRows(
        comparable(before.filter(col(AS_OF).equalTo(night))),
        comparable(after.filter(col(AS_OF).equalTo(night))));
    // Other nights: every column, run_id and created_at included, unchanged.
    assertTrue(before.filter(col(AS_OF).notEqual(night)).count() >= 10);
    TestSpark.assertSameRows(
        withJsonFeatures(before.filter(col(AS_OF).notEqual(night))),
        withJsonFeatures(after.filter(col(AS_OF).notEqual(night))));
  }

  @Test
  void aBackfilledRangeEqualsNightByNightRuns() {
    long nightByNight = warehouse().currentVersion(Tables.FORECASTS);

    String[] out = cli("forecast", "--conf", conf, "--from", "2025-01-14", "--to", "2025-01-15");
    assertTrue(
        out[2].matches(
            "forecasts: 22 rows \\(20 naive\\) for 2 as-ofs 2025-01-14T00:00:00Z \\.\\."
                + " 2025-01-15T00:00:00Z, run forecast-\\S+, Delta version \\d+"),
        out[2]);

    var range = col(AS_OF).isin(Timestamp.from(BEFORE), Timestamp.from(NIGHT));
    Dataset<Row> nights = warehouse().readAt(Tables.FORECASTS, nightByNight).filter(range);
    Dataset<Row> backfilled = warehouse().read(Tables.FORECASTS).filter(range);
    assertEquals(10 + 12, nights.count());
    assertEquals(1, backfilled.select(RUN_ID).distinct().count(), "one run wrote the range");
    TestSpark.assertSameRows(comparable(nights), comparable(backfilled));
  }

  static ModelChoice loaderChoice() {
    return new ModelLoader(
            registry(), new ModelArtifacts(spark(), config.resolvedModelsRoot()), "check")
        .choose(H7);
  }

  /** The rows without what differs between runs (run_id, created_at); the map as JSON. */
  static Dataset<Row> comparable(Dataset<Row> forecasts) {
    return withJsonFeatures(forecasts.drop(RUN_ID, CREATED_AT));
  }

  static Dataset<Row> withJsonFeatures(Dataset<Row> forecasts) {
    return forecasts.withColumn(FEATURES_MAP, to_json(col(FEATURES_MAP)));
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
