package dev.forecaster.backtest;

import static dev.forecaster.model.DailyMarket.H;
import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forecaster.TestSpark;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.DailyMarket;
import dev.forecaster.model.TrainModelJob;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.registry.StatusChange;
import dev.forecaster.retrain.RetrainJob;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leakage guard and the gate on a driftless market (momentum 0): 4 symbols, 280 daily candles
 * from 2024-01-01 (the last closes 2024-10-07), seed 4.
 *
 * <p>Dates, by hand: samples run from 2024-01-09 to 2024-09-30 (t + 7 d <= 2024-10-07), 266 per
 * symbol (23 + 29 + 31 + 30 + 31 + 30 + 31 + 31 + 30). The window is the 60 as-ofs ending
 * 2024-09-30: W = 2024-09-30 - 59 d = 2024-08-02.
 *
 * <ul>
 *   <li>Honest (the monthly retrain, holdout on): the pool is t + 7 d <= W, i.e. up to 2024-07-26,
 *       200 samples; floor(0.8 · 200) = 160 train, first test 2024-01-09 + 160 d = 2024-06-17, the
 *       purge keeps t <= 2024-06-10: the last training label ends 2024-06-17 <= W.
 *   <li>Seed-style (holdout off): the pool is all 266; floor(0.8 · 266) = 212 train, first test
 *       2024-01-09 + 212 d = 2024-08-08, the purge keeps t <= 2024-08-01. Training samples with t +
 *       7 d > W are those after W - 7 d = 2024-07-26: 2024-07-27 .. 2024-08-01, 6 per symbol, 24 in
 *       all.
 * </ul>
 *
 * <p>The history is short on purpose: with holdout off the 20% test split still sits between the
 * training data and the window's end, so training reaches into the window only when that split is
 * shorter than the window plus h. With 400 days (the market of {@code TrainModelJobTest}) it is
 * not: 386 samples, 308 train, the last purged one 2024-11-05, whose label ends 2024-11-12 <= W =
 * 2024-11-30, and the guard would rightly stay silent.
 */
class BacktestModelJobTest {
  @TempDir static Path tmp;
  static SparkSession spark;
  static ForecasterConfig config;
  static RetrainJob.HorizonResult honest;
  static TrainModelJob.Trained leaky;
  static BacktestModelJob.Outcome leakyBacktest;

  static final Instant W = Instant.parse("2024-08-02T00:00:00Z");

  @BeforeAll
  static void retrainThenTrainWithoutHoldout() {
    spark = TestSpark.session();
    config = DailyMarket.ingest(tmp.resolve("flat"), 280, 4, 0.0);
    List<RetrainJob.HorizonResult> results = new RetrainJob(spark, config).run(null);
    assertEquals(1, results.size());
    honest = results.get(0);
    // what the seed system did: train on every matured sample up to T, then backtest at T
    TrainModelJob train = new TrainModelJob(spark, config);
    TrainModelJob.Inputs inputs = train.inputs(null, null);
    leaky = train.train(inputs, new TrainModelJob.Options(H, null, false, true, false));
    inputs.features().unpersist();
    inputs.labels().unpersist();
    // as `forecaster backtest` does: at the latest close, reading the window's data itself
    leakyBacktest =
        new BacktestModelJob(spark, config).run(leaky.entry(), null, config.backtestDays(), null);
  }

  @Test
  void theLeakageGuardFiresWhenTrainingReachesIntoTheWindow() {
    assertEquals(W, leakyBacktest.window().start());
    assertEquals(Gate.Outcome.LEAKAGE, leakyBacktest.gate().outcome());
    assertEquals(24, leakyBacktest.leakageSamples()); // 6 per symbol, see the class comment
    // the same count from the training samples the model kept
    ModelArtifacts artifacts = new ModelArtifacts(spark, config.resolvedModelsRoot());
    RegistryEntry e = leaky.entry();
    List<Row> keys =
        artifacts
            .trainingSamples(artifacts.trainingSamplesUri(e.modelName(), e.version()))
            .collectAsList();
    long offending =
        keys.stream()
            .filter(
                r -> r.<Timestamp>getAs(AS_OF).toInstant().plus(Duration.ofMinutes(H)).isAfter(W))
            .count();
    assertEquals(24, offending);
    assertEquals(4 * (212 - 6), keys.size());
    assertEquals(
        Instant.parse("2024-08-01T00:00:00Z"),
        Instant.parse(leaky.metadata().get("last_train_as_of").asText()));

    // never gated: the version stays a candidate, and the history says why
    assertEquals(RegistryEntry.CANDIDATE, leakyBacktest.statusAfter());
    ModelRegistry registry = new ModelRegistry(spark, new Warehouse(spark, config));
    assertEquals(RegistryEntry.CANDIDATE, registry.resolve(e.ref()).status());
    StatusChange last =
        registry.history().stream()
            .filter(h -> h.version().equals(e.version()))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertTrue(last.reason().startsWith("LEAKAGE, not gated"), last.reason());
    JsonNode m = artifacts.readMetadata(e.metadataUri());
    assertEquals("LEAKAGE", m.get("gate").get("outcome").asText());
    assertEquals(24, m.get("backtest").get("leakage_samples").asLong());
    Row overall =
        new Warehouse(spark, config)
            .read(Tables.BACKTEST_SUMMARY)
            .filter(col(MODEL_VERSION).equalTo(e.version()).and(col(SYMBOL).isNull()))
            .first();
    assertEquals(24L, overall.<Long>getAs("leakage_samples"));
    assertEquals("LEAKAGE", overall.getAs("gate_outcome"));
    String report = BacktestReport.format(leakyBacktest, 3);
    assertTrue(report.contains("LEAKAGE: 24 training samples"), report);
  }

  @Test
  void theLeakageGuardIsSilentOnAnHonestRetrain() {
    BacktestModelJob.Outcome o = honest.backtest();
    assertEquals(W, o.window().start());
    assertEquals(0, o.leakageSamples());
    assertFalse(o.gate().outcome() == Gate.Outcome.LEAKAGE);
    ModelArtifacts artifacts = new ModelArtifacts(spark, config.resolvedModelsRoot());
    RegistryEntry e = honest.trained().entry();
    Row latest =
        artifacts
            .trainingSamples(artifacts.trainingSamplesUri(e.modelName(), e.version()))
            .agg(max(col(AS_OF)))
            .first();
    assertEquals(Timestamp.from(Instant.parse("2024-06-10T00:00:00Z")), latest.getTimestamp(0));
    JsonNode balance = honest.trained().metadata().get("class_balance").get("train");
    assertEquals(4 * (160 - 6), balance.get("up").asLong() + balance.get("down").asLong());
    assertTrue(honest.trained().metadata().get("split").get("holdout_backtest_window").asBoolean());
  }

  @Test
  void withoutMomentumTheModelFailsTheGateAndIsRejected() {
    // (seeds 1, 4, 5 and 6 of this market all fail; seed 4 clearly: ML 43.8% vs naive 44.6%)
    BacktestModelJob.Outcome o = honest.backtest();
    assertEquals(240, o.overall().n());
    assertEquals(Gate.Outcome.FAILED, o.gate().outcome(), o.gate()::toString);
    assertFalse(o.gate().failures().isEmpty());
    assertEquals(RegistryEntry.REJECTED, o.statusAfter());
    ModelRegistry registry = new ModelRegistry(spark, new Warehouse(spark, config));
    assertTrue(registry.promoted(H).isEmpty());
    RegistryEntry e = registry.resolve(honest.trained().entry().ref());
    assertEquals(RegistryEntry.REJECTED, e.status());
    assertEquals("gate failed: " + String.join("; ", o.gate().failures()), e.statusReason());
    JsonNode m =
        new ModelArtifacts(spark, config.resolvedModelsRoot()).readMetadata(e.metadataUri());
    assertEquals("FAILED", m.get("gate").get("outcome").asText());
    assertEquals(o.gate().failures().size(), m.get("gate").get("failures").size());

    JsonNode result = RetrainJob.resultJson(null, List.of(honest));
    assertFalse(result.get("any_promoted").asBoolean());
    JsonNode h = result.get("horizons").get(0);
    assertEquals(H, h.get("horizon_minutes").asInt());
    assertEquals("v1", h.get("version").asText());
    assertEquals("FAILED", h.get("gate").asText());
    assertEquals("rejected", h.get("status").asText());
    assertFalse(h.get("promoted").asBoolean());
    assertEquals(o.gate().failures().size(), h.get("failures").size());
    assertEquals(o.overall().mlAccuracy(), h.get("ml_accuracy").asDouble(), 0.0);
  }
}
