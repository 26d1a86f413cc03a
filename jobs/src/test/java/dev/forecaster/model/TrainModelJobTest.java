package dev.forecaster.model;

import static dev.forecaster.model.DailyMarket.H;
import static dev.forecaster.model.DailyMarket.SYMBOLS;
import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forecaster.TestSpark;
import dev.forecaster.backtest.BacktestModelJob;
import dev.forecaster.backtest.BacktestReport;
import dev.forecaster.backtest.Gate;
import dev.forecaster.backtest.SummaryLine;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.util.BuildInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training, its metadata, determinism and the gate on a market with strong momentum: 4 symbols, 400
 * daily candles from 2024-01-01 (the last closes 2025-02-04), momentum 1.0, seed 1.
 *
 * <p>Dates, by hand: samples run from 2024-01-09 to 2025-01-28 (t + 7 d <= 2025-02-04). The
 * backtest window is the 60 as-ofs ending 2025-01-28, so W = 2025-01-28 - 59 d = 2024-11-30. With
 * the holdout, a symbol's pool is the samples with t + 7 d <= W: 2024-01-09 .. 2024-11-23, 320 of
 * them (23 + 29 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 23). Split: floor(0.8 · 320) = 256 train,
 * 64 test; the first test as-of is 2024-01-09 + 256 d = 2024-09-21; the purge drops the train
 * as-ofs after 2024-09-21 - 7 d = 2024-09-14, i.e. 6 of them: 250 train, 6 purged, 64 test.
 */
class TrainModelJobTest {
  @TempDir static Path tmp;
  static SparkSession spark;
  static ForecasterConfig config;
  static TrainModelJob job;
  static TrainModelJob.Inputs inputs;
  static TrainModelJob.Trained trained;
  static BacktestModelJob.Outcome backtest;
  static Instant startedAt;
  static Instant finishedAt;

  static final Instant FIRST_SAMPLE = Instant.parse("2024-01-09T00:00:00Z");
  static final Instant LAST_TRAIN = Instant.parse("2024-09-14T00:00:00Z");
  static final Instant FIRST_TEST = Instant.parse("2024-09-21T00:00:00Z");
  static final Instant LAST_POOL = Instant.parse("2024-11-23T00:00:00Z");
  static final Instant W = Instant.parse("2024-11-30T00:00:00Z");
  static final Instant WINDOW_END = Instant.parse("2025-01-28T00:00:00Z");

  static TrainModelJob.Options honest() {
    return new TrainModelJob.Options(H, null, true, true, false);
  }

  @BeforeAll
  static void trainAndBacktest() {
    spark = TestSpark.session();
    config = DailyMarket.ingest(tmp.resolve("strong"), 400, 1, 1.0);
    startedAt = Instant.now();
    job = new TrainModelJob(spark, config);
    inputs = job.inputs(null, null);
    trained = job.train(inputs, honest());
    backtest =
        new BacktestModelJob(spark, config)
            .run(trained.entry(), inputs.data().asOf, config.backtestDays(), inputs);
    finishedAt = Instant.now();
  }

  @Test
  void theFittedPipelineARetrainBacktestsScoresExactlyLikeItsSavedArtifact() {
    // RetrainJob hands the in-memory pipeline to the backtest instead of reading it back.
    var loaded =
        new ModelArtifacts(spark, config.resolvedModelsRoot())
            .loadPipeline(trained.entry().artifactUri());
    List<Row> fromMemory =
        ForestScores.pUp(trained.fitted(), inputs.features())
            .orderBy(SYMBOL, AS_OF)
            .collectAsList();
    List<Row> fromArtifact =
        ForestScores.pUp(loaded, inputs.features()).orderBy(SYMBOL, AS_OF).collectAsList();
    assertEquals(inputs.features().count(), fromMemory.size());
    assertEquals(fromArtifact, fromMemory);
  }

  @AfterAll
  static void release() {
    inputs.features().unpersist();
    inputs.labels().unpersist();
  }

  @Test
  void withStrongMomentumTheSevenDayModelBeatsNaiveAndIsPromoted() {
    // Not every seed passes: 60 as-ofs of 4 correlated symbols are a small sample. With this
    // market (400 days, momentum 1.0) seeds 1 and 4 pass and 2 and 3 fail, on criterion 3 (beat
    // naive on 2/3 of the symbols): where a trend lasts through the window the naive baseline (the
    // mean of the last 60 days' 7-day returns, itself a momentum rule) is right on ~95-100% of the
    // pairs and ML can at best tie it. Seed 1 is far from the edges: ML 72-85% on every symbol,
    // naive 17-45%.
    assertEquals(
        Gate.Outcome.PASSED, backtest.gate().outcome(), backtest.gate().failures()::toString);
    assertEquals(0, backtest.leakageSamples());
    assertEquals(RegistryEntry.PROMOTED, backtest.statusAfter());
    ModelRegistry registry = new ModelRegistry(spark, new Warehouse(spark, config));
    assertEquals(trained.entry().ref(), registry.promoted(H).orElseThrow().ref());

    assertEquals(W, backtest.window().start());
    assertEquals(WINDOW_END, backtest.window().end());
    SummaryLine overall = backtest.overall();
    assertEquals(60 * 4, overall.n()); // every (symbol, as-of) of the window has both forecasts
    assertEquals(0, overall.nMissing());
    assertTrue(overall.improvementPp() >= 2.0, "" + overall.improvementPp());
    assertEquals(SYMBOLS, backtest.bySymbol().stream().map(SummaryLine::symbol).toList());
    for (SummaryLine s : backtest.bySymbol()) {
      assertEquals(60, s.n());
      assertTrue(s.mlAccuracy() >= 0.5, s::toString);
    }

    Warehouse warehouse = new Warehouse(spark, config);
    assertEquals(240, warehouse.read(Tables.BACKTEST_PREDICTIONS).count());
    List<Row> summary =
        warehouse.read(Tables.BACKTEST_SUMMARY).filter(col(SYMBOL).isNull()).collectAsList();
    assertEquals(1, summary.size());
    assertEquals("PASSED", summary.get(0).getAs("gate_outcome"));
    assertEquals(overall.mlCorrect() / 240.0, summary.get(0).<Double>getAs("ml_accuracy"), 1e-12);
    assertTrue(Files.isDirectory(Path.of(backtest.exportUri())), backtest.exportUri());
    String report = BacktestReport.format(backtest, 3);
    assertTrue(report.contains("gate: PASSED"), report);
    assertTrue(report.contains("OVERALL"), report);
  }

  @Test
  void metadataHasEveryFieldOfTheContractAndTheyAreRight() {
    ModelArtifacts artifacts = new ModelArtifacts(spark, config.resolvedModelsRoot());
    RegistryEntry e = trained.entry();
    assertEquals(artifacts.metadataUri("ml_forecaster_7d_rf", "v1"), e.metadataUri());
    assertTrue(Files.isRegularFile(Path.of(e.metadataUri())));
    JsonNode m = artifacts.readMetadata(e.metadataUri());

    assertEquals("ml_forecaster_7d_rf", m.get("model_name").asText());
    assertEquals("v1", m.get("version").asText());
    assertEquals(H, m.get("horizon_minutes").asInt());
    assertEquals("7d", m.get("horizon").asText());
    assertEquals(60, m.get("lookback_days").asInt());
    assertTrue(m.get("algorithm").asText().contains("RandomForestClassifier"));

    JsonNode hyper = m.get("hyperparameters");
    assertEquals(20, hyper.get("num_trees").asInt());
    assertEquals(5, hyper.get("max_depth").asInt());
    assertEquals(5, hyper.get("min_instances_per_node").asInt());
    assertEquals(42, hyper.get("seed").asLong());
    assertEquals(32, hyper.get("max_bins").asInt()); // 4 symbols + 1 unseen slot < 32

    List<String> features = new ArrayList<>();
    m.get("features").forEach(f -> features.add(f.asText()));
    List<String> expectedFeatures = new ArrayList<>(List.of(SYMBOL));
    expectedFeatures.addAll(FEATURES);
    assertEquals(expectedFeatures, features);
    assertEquals(18, features.size());

    assertTrue(m.get("purge").asBoolean());
    assertTrue(m.get("split").get("purge").asBoolean());
    assertEquals(0.8, m.get("split").get("train_ratio").asDouble());
    assertTrue(m.get("split").get("holdout_backtest_window").asBoolean());
    assertEquals(W.toString(), m.get("split").get("holdout_window_start").asText());

    JsonNode symbols = m.get("symbols");
    assertEquals(SYMBOLS, names(symbols));
    for (String s : SYMBOLS) {
      JsonNode w = symbols.get(s);
      assertEquals(FIRST_SAMPLE.toString(), w.get("train_from").asText(), s);
      assertEquals(LAST_TRAIN.toString(), w.get("train_to").asText(), s);
      assertEquals(FIRST_TEST.toString(), w.get("test_from").asText(), s);
      assertEquals(LAST_POOL.toString(), w.get("test_to").asText(), s);
      assertEquals(250, w.get("n_train").asLong(), s);
      assertEquals(6, w.get("n_purged").asLong(), s);
      assertEquals(64, w.get("n_test").asLong(), s);
      assertEquals(
          320,
          w.get("n_train").asLong() + w.get("n_purged").asLong() + w.get("n_test").asLong(),
          s);
    }
    // the pool by a second route: the matured samples of the features and labels
    List<Long> pool =
        Samples.endingBefore(
                Samples.of(inputs.features(), inputs.labels(), H), W.getEpochSecond(), H)
            .groupBy(SYMBOL)
            .count()
            .orderBy(SYMBOL)
            .collectAsList()
            .stream()
            .map(r -> r.getLong(1))
            .toList();
    assertEquals(List.of(320L, 320L, 320L, 320L), pool);
    Instant lastTrain = Instant.parse(m.get("last_train_as_of").asText());
    assertEquals(LAST_TRAIN, lastTrain);
    assertFalse(lastTrain.plus(Duration.ofMinutes(H)).isAfter(W)); // t + h <= W

    JsonNode train = m.get("class_balance").get("train");
    assertEquals(4 * 250, train.get("up").asLong() + train.get("down").asLong());
    assertEquals(train.get("up").asLong() / 1000.0, train.get("up_share").asDouble(), 1e-12);
    ModelArtifacts a = artifacts;
    // the training samples kept for the leakage guard are exactly the 1000 trained on
    List<Row> keys =
        a.trainingSamples(a.trainingSamplesUri(e.modelName(), e.version())).collectAsList();
    assertEquals(1000, keys.size());
    assertEquals(
        train.get("up").asLong(),
        Samples.of(inputs.features(), inputs.labels(), H)
            .join(
                a.trainingSamples(a.trainingSamplesUri(e.modelName(), e.version())),
                new String[] {SYMBOL, AS_OF})
            .filter(col(Samples.LABEL).equalTo(1.0))
            .count());
    JsonNode test = m.get("test_metrics");
    assertEquals(4 * 64, test.get("n").asLong());
    assertEquals(m.get("class_balance").get("test"), test.get("class_balance"));
    JsonNode c = test.get("confusion");
    long correct = c.get("true_up").asLong() + c.get("true_down").asLong();
    assertEquals(correct / 256.0, test.get("accuracy").asDouble(), 1e-12);
    assertEquals(18, m.get("feature_importances").size());

    // after the backtest: its metrics and the gate
    JsonNode bt = m.get("backtest");
    assertEquals(W.toString(), bt.get("window_start").asText());
    assertEquals(WINDOW_END.toString(), bt.get("window_end").asText());
    assertEquals(0, bt.get("leakage_samples").asLong());
    assertEquals(240, bt.get("overall").get("n").asLong());
    assertEquals(SYMBOLS, names(bt.get("per_symbol")));
    assertEquals("PASSED", m.get("gate").get("outcome").asText());
    assertEquals(0, m.get("gate").get("failures").size());

    Warehouse warehouse = new Warehouse(spark, config);
    JsonNode versions = m.get("table_versions");
    assertEquals(warehouse.currentVersion(Tables.PRICES), versions.get("prices").asLong());
    assertEquals(warehouse.currentVersion(Tables.EVENTS), versions.get("events").asLong());
    assertEquals(BuildInfo.codeVersion(), m.get("code_version").asText());
    assertFalse(m.get("code_version").asText().isBlank());
    Instant created = Instant.parse(m.get("created_at").asText());
    assertFalse(created.isBefore(startedAt) || created.isAfter(finishedAt), created::toString);
    assertEquals(e.artifactUri(), m.get("artifact_uri").asText());
  }

  @Test
  void theSameDataAndSeedGiveTheSameModel() {
    // another warehouse: the registry there is empty, so the model is trained again from scratch
    ForecasterConfig other = DailyMarket.config(tmp.resolve("again"));
    TrainModelJob.Trained again = new TrainModelJob(spark, other).train(inputs, honest());
    assertFalse(again.reused());
    assertNotEquals(trained.entry().artifactUri(), again.entry().artifactUri());
    assertEquals(trained.metadata().get("test_metrics"), again.metadata().get("test_metrics"));
    assertEquals(
        trained.metadata().get("feature_importances"), again.metadata().get("feature_importances"));
    assertEquals(trained.metadata().get("symbols"), again.metadata().get("symbols"));
    List<Row> first =
        ForestScores.pUp(
                new ModelArtifacts(spark, config.resolvedModelsRoot())
                    .loadPipeline(trained.entry().artifactUri()),
                inputs.features())
            .orderBy(SYMBOL, AS_OF)
            .collectAsList();
    List<Row> second =
        ForestScores.pUp(
                new ModelArtifacts(spark, other.resolvedModelsRoot())
                    .loadPipeline(again.entry().artifactUri()),
                inputs.features())
            .orderBy(SYMBOL, AS_OF)
            .collectAsList();
    assertEquals(first.size(), second.size());
    assertEquals(first, second);
    // and not trivially so: the model does not predict one value everywhere
    assertTrue(first.stream().map(r -> r.getDouble(3)).distinct().count() > 10);
  }

  @Test
  void trainingTheSameDataAndSettingsAgainReturnsTheRegisteredVersion() {
    TrainModelJob.Trained again = job.train(inputs, honest());
    assertTrue(again.reused());
    assertEquals(trained.entry().ref(), again.entry().ref());
    ModelRegistry registry = new ModelRegistry(spark, new Warehouse(spark, config));
    assertEquals(1, registry.all().size());
  }

  static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }
}
