package dev.forecaster.walkforward;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.backtest.Hac;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.DailyMarket;
import dev.forecaster.model.ForestScores;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.retrain.RetrainJob;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk-forward of FORECASTING.md section 10 on a generated daily market (4 symbols, 400 days
 * from 2024-01-01, the last candle closing 2025-02-04, momentum 1.0) with a tiny forest (5 trees,
 * depth 3), horizon 7d, span 2024-12-10 .. 2025-01-20: retrains on 2024-12-01 and 2025-01-01.
 */
class WalkForwardJobTest {
  @TempDir static Path tmp;
  static SparkSession spark;
  static ForecasterConfig config;
  static WalkForwardJob.Result result;
  static List<Row> runs;
  static List<Row> predictions;

  static final int H = DailyMarket.H;
  static final Instant FROM = Instant.parse("2024-12-10T00:00:00Z");
  static final Instant TO = Instant.parse("2025-01-20T00:00:00Z");
  static final List<Instant> DATES =
      List.of(Instant.parse("2024-12-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"));

  static ForecasterConfig tiny(Path warehouse) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("warehouse", warehouse.toString());
    overrides.put("horizons-minutes", List.of(H));
    overrides.put("model.random-forest.num-trees", 5);
    overrides.put("model.random-forest.max-depth", 3);
    return ConfigLoader.load(null, overrides);
  }

  @BeforeAll
  static void replay() {
    spark = TestSpark.session();
    DailyMarket.ingest(tmp.resolve("m"), 400, 1, 1.0);
    config = tiny(tmp.resolve("m/warehouse"));
    result =
        new WalkForwardJob(spark, config)
            .run(new WalkForwardJob.Request("t1", List.of(H), FROM, TO));
    Warehouse w = new Warehouse(spark, config);
    runs = w.read(Tables.WALKFORWARD_RUNS).orderBy(Schedule.RETRAIN_DATE).collectAsList();
    predictions = w.read(Tables.WALKFORWARD_PREDICTIONS).orderBy(SYMBOL, AS_OF).collectAsList();
  }

  @Test
  void retrainsOnTheFirstOfEveryMonthIntoItsOwnRegistry() {
    assertEquals(DATES, RetrainDates.monthly(FROM, TO));
    assertEquals(2, runs.size());
    for (int k = 0; k < 2; k++) {
      assertEquals(Timestamp.from(DATES.get(k)), runs.get(k).getAs(Schedule.RETRAIN_DATE));
      assertEquals("v" + (k + 1), runs.get(k).getAs(MODEL_VERSION));
    }
    // The production registry was never touched.
    assertFalse(new Warehouse(spark, config).exists(Tables.MODEL_REGISTRY));
    assertTrue(
        new Warehouse(spark, config.withWarehouse(result.runWarehouse()))
            .exists(Tables.MODEL_REGISTRY));
  }

  @Test
  void everyMaturedPairOfTheSpanIsScoredWithNoLeakage() {
    // 4 symbols x 42 as-ofs (2024-12-10 .. 2025-01-20); all matured (t + 7 d <= 2025-02-04)
    // and with a naive forecast (60 days of history before the span).
    assertEquals(4 * 42, predictions.size());
    WalkForwardSummary.Line overall = result.horizons().get(0).overall();
    assertEquals(4 * 42, overall.n());
    assertEquals(0, overall.leakagePairs());
    for (Row p : predictions) {
      assertFalse(p.<Boolean>getAs(WalkForwardPredictions.LEAKAGE));
    }
  }

  @Test
  void aModelIsNeverUsedBeforeItsRetrainDateAndTheServedColumnSwitchesExactlyThere() {
    Map<String, Instant> trainedAt = new HashMap<>();
    List<String> promotedSoFar = new ArrayList<>();
    List<String> servedByInterval = new ArrayList<>();
    for (Row r : runs) {
      trainedAt.put(r.getAs(MODEL_VERSION), r.<Timestamp>getAs(Schedule.RETRAIN_DATE).toInstant());
      if (r.<Boolean>getAs("promoted")) {
        promotedSoFar.add(r.getAs(MODEL_VERSION));
      }
      // independently of Schedule: the latest promotion so far, or none
      servedByInterval.add(
          promotedSoFar.isEmpty() ? null : promotedSoFar.get(promotedSoFar.size() - 1));
      assertEquals(
          servedByInterval.get(servedByInterval.size() - 1), r.getAs(Schedule.SERVED_VERSION));
    }
    for (Row p : predictions) {
      Instant t = p.<Timestamp>getAs(AS_OF).toInstant();
      int k = t.isBefore(DATES.get(1)) ? 0 : 1;
      assertEquals(Timestamp.from(DATES.get(k)), p.getAs(Schedule.RETRAIN_DATE));
      assertEquals("v" + (k + 1), p.getAs(Schedule.CANDIDATE_VERSION), p::toString);
      assertEquals(servedByInterval.get(k), p.getAs(Schedule.SERVED_VERSION), p::toString);
      assertEquals(
          servedByInterval.get(k) == null ? "naive" : "ml",
          p.getAs(WalkForwardPredictions.SERVED_MODEL_TYPE));
      for (String column : List.of(Schedule.CANDIDATE_VERSION, Schedule.SERVED_VERSION)) {
        String version = p.getAs(column);
        if (version != null) {
          assertFalse(trainedAt.get(version).isAfter(t), version + " used at " + t);
        }
      }
      // served = candidate where the candidate was promoted; naive where nothing was
      if (p.getAs(Schedule.SERVED_VERSION) == null) {
        assertEquals(
            p.<String>getAs("naive_direction"), p.getAs(WalkForwardPredictions.SERVED_DIRECTION));
      } else if (p.getAs(Schedule.SERVED_VERSION).equals(p.getAs(Schedule.CANDIDATE_VERSION))) {
        assertEquals(
            p.<Double>getAs(WalkForwardPredictions.CANDIDATE_P_UP),
            p.<Double>getAs(WalkForwardPredictions.SERVED_P_UP));
      }
    }
  }

  @Test
  void theCandidateOfEveryRetrainIsWhatRetrainAsOfTrainsOnAWarehouseTruncatedThere() {
    Warehouse full = new Warehouse(spark, config);
    ModelArtifacts wfArtifacts =
        new ModelArtifacts(spark, config.withWarehouse(result.runWarehouse()).resolvedModelsRoot());
    Dataset<Row> features = full.read(Tables.WALKFORWARD_PREDICTIONS).limit(0); // schema only
    for (int k = 0; k < DATES.size(); k++) {
      Instant r = DATES.get(k);
      Path root = tmp.resolve("truncated-" + k);
      ForecasterConfig cut = tiny(root);
      Warehouse w = new Warehouse(spark, cut);
      full.read(Tables.PRICES)
          .filter(unix_seconds(col(OPEN_TIME)).plus(col(BAR_SECONDS)).leq(r.getEpochSecond()))
          .write()
          .format("delta")
          .save(w.path(Tables.PRICES));
      full.read(Tables.EVENTS)
          .filter(col(TS).lt(Timestamp.from(r)))
          .write()
          .format("delta")
          .save(w.path(Tables.EVENTS));
      RetrainJob.HorizonResult retrained = new RetrainJob(spark, cut).run(r).get(0);
      PipelineModel walkForward =
          wfArtifacts.loadPipeline(
              wfArtifacts.pipelineUri(retrained.trained().entry().modelName(), "v" + (k + 1)));
      // Same training set, window and gate...
      Row run = runs.get(k);
      assertEquals(
          retrained.trained().metadata().get("symbols").toString(),
          wfArtifacts
              .readMetadata(
                  wfArtifacts.metadataUri(retrained.trained().entry().modelName(), "v" + (k + 1)))
              .get("symbols")
              .toString());
      assertEquals(
          Timestamp.from(retrained.backtest().window().start()), run.getAs("window_start"));
      assertEquals(retrained.backtest().gate().outcome().name(), run.getAs("gate_outcome"));
      assertEquals(retrained.backtest().overall().mlAccuracy(), run.getAs("backtest_ml_accuracy"));
      // ... and the same forest: identical p_up on every feature row the truncated warehouse has.
      Dataset<Row> rows =
          dev.forecaster.model.ModelData.load(spark, cut, w, r, null)
              .features(List.of(r.minusSeconds(86_400 * 40L), r.minusSeconds(86_400), r), 60);
      List<Row> a =
          ForestScores.pUp(retrained.trained().fitted(), rows)
              .orderBy(SYMBOL, AS_OF)
              .collectAsList();
      List<Row> b = ForestScores.pUp(walkForward, rows).orderBy(SYMBOL, AS_OF).collectAsList();
      assertEquals(12, a.size());
      assertEquals(a, b, "candidate of " + r);
    }
    assertNotNull(features);
  }

  @Test
  void theSummaryHacAgreesWithASecondComputationFromThePredictionsTable() {
    // Served vs naive, overall, by the Bartlett quadratic form over daily mean differences.
    Map<Long, double[]> byDay = new java.util.TreeMap<>();
    for (Row p : predictions) {
      double d =
          (p.<Boolean>getAs(WalkForwardPredictions.SERVED_CORRECT) ? 1 : 0)
              - (p.<Boolean>getAs(WalkForwardPredictions.NAIVE_CORRECT) ? 1 : 0);
      double[] s = byDay.computeIfAbsent(p.<Timestamp>getAs(AS_OF).getTime(), x -> new double[2]);
      s[0] += d;
      s[1]++;
    }
    double[] d = byDay.values().stream().mapToDouble(s -> s[0] / s[1]).toArray();
    int t = d.length;
    double mean = java.util.Arrays.stream(d).average().orElseThrow();
    double q = 0;
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        int lag = Math.abs(i - j);
        if (lag <= 6) {
          q += (1 - lag / 7.0) * (d[i] - mean) * (d[j] - mean);
        }
      }
    }
    Row overall =
        new Warehouse(spark, config)
            .read(Tables.WALKFORWARD_SUMMARY)
            .filter(col("level").equalTo("overall"))
            .first();
    assertEquals(mean, overall.<Double>getAs("served_hac_diff"), 1e-12);
    if (q > 0) {
      assertEquals(Math.sqrt(q) / t, overall.<Double>getAs("served_hac_se"), 1e-12);
      assertEquals(
          Hac.upperNormalTail(mean / (Math.sqrt(q) / t)),
          overall.<Double>getAs("served_hac_p"),
          1e-12);
    }
    // Per year lines: 2024 and 2025, n adding up to the overall n.
    List<Row> years =
        new Warehouse(spark, config)
            .read(Tables.WALKFORWARD_SUMMARY)
            .filter(col("level").equalTo("year"))
            .orderBy("year")
            .collectAsList();
    assertEquals(2, years.size());
    assertEquals(4L * 22, years.get(0).<Long>getAs("n")); // 2024-12-10 .. 2024-12-31
    assertEquals(4L * 20, years.get(1).<Long>getAs("n")); // 2025-01-01 .. 2025-01-20
    assertEquals(1, years.get(0).<Integer>getAs("retrains"));
    assertEquals(1, years.get(1).<Integer>getAs("retrains"));
  }

  @Test
  void eachRetrainsBacktestSummaryCarriesTheHacTestOfItsOwnPredictions() {
    // Section 9 in backtest_summary (overall, ML vs naive), recomputed here from the run's
    // backtest_predictions by the Bartlett quadratic form.
    Warehouse run = new Warehouse(spark, config.withWarehouse(result.runWarehouse()));
    Row summary =
        run.read(Tables.BACKTEST_SUMMARY)
            .filter(col(MODEL_VERSION).equalTo("v1").and(col(SYMBOL).isNull()))
            .first();
    Map<Long, double[]> byDay = new java.util.TreeMap<>();
    for (Row p :
        run.read(Tables.BACKTEST_PREDICTIONS)
            .filter(col(MODEL_VERSION).equalTo("v1").and(col("included")))
            .collectAsList()) {
      double[] s = byDay.computeIfAbsent(p.<Timestamp>getAs(AS_OF).getTime(), x -> new double[2]);
      s[0] +=
          (p.<Boolean>getAs("ml_correct") ? 1 : 0) - (p.<Boolean>getAs("naive_correct") ? 1 : 0);
      s[1]++;
    }
    double[] d = byDay.values().stream().mapToDouble(s -> s[0] / s[1]).toArray();
    assertEquals(60, d.length);
    double mean = java.util.Arrays.stream(d).average().orElseThrow();
    double q = 0;
    for (int i = 0; i < d.length; i++) {
      for (int j = 0; j < d.length; j++) {
        int lag = Math.abs(i - j);
        if (lag <= 6) {
          q += (1 - lag / 7.0) * (d[i] - mean) * (d[j] - mean);
        }
      }
    }
    assertEquals(mean, summary.<Double>getAs("hac_diff"), 1e-12);
    assertEquals(Math.sqrt(q) / d.length, summary.<Double>getAs("hac_se"), 1e-12);
    assertEquals(
        Hac.upperNormalTail(mean / (Math.sqrt(q) / d.length)),
        summary.<Double>getAs("hac_p"),
        1e-12);
    assertNotNull(summary.getAs("hac_p_vs_half"));
  }

  @Test
  void theReportHasItsThreeChartsPerHorizon() throws java.io.IOException {
    String uri = new dev.forecaster.report.ReportJob(spark, config).walkForward("t1");
    Path dir = Path.of(java.net.URI.create(uri)).getParent();
    for (String f :
        List.of("index.html", "cumulative_7d.png", "by_year_7d.png", "ml_share_7d.png")) {
      assertTrue(java.nio.file.Files.size(dir.resolve(f)) > 1000, f);
    }
    String html = java.nio.file.Files.readString(dir.resolve("index.html"));
    assertTrue(html.contains("HAC p served vs naive"), html);
  }
}
