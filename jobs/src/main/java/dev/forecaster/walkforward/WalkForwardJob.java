package dev.forecaster.walkforward;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.backtest.BacktestModelJob;
import dev.forecaster.backtest.Hac;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.features.AsOfPrices;
import dev.forecaster.forecast.NaiveBaseline;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.ForestScores;
import dev.forecaster.model.Horizons;
import dev.forecaster.model.ModelData;
import dev.forecaster.model.Samples;
import dev.forecaster.model.TrainModelJob;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.util.DaemonThreads;
import dev.forecaster.util.Futures;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The walk-forward replay of the production policy (FORECASTING.md section 10): at every monthly
 * retrain date r_k, exactly what {@code retrain --as-of r_k} runs for each horizon (train with the
 * holdout and purge, backtest, gate) on the data known at r_k, into the run's own registry under
 * {@code <warehouse>/walkforward/<run_id>}; then the served, candidate and naive forecast of every
 * scored pair of the span into {@code walkforward_predictions}, the retrains into {@code
 * walkforward_runs} and the report lines into {@code walkforward_summary} (a re-run of the run id
 * replaces its rows). A pair scored by a model that trained on its future fails the run.
 */
public final class WalkForwardJob {
  private static final Logger LOG = LoggerFactory.getLogger(WalkForwardJob.class);

  private final SparkSession spark;
  private final ForecasterConfig config;
  private final Warehouse warehouse;

  public WalkForwardJob(SparkSession spark, ForecasterConfig config) {
    this.spark = spark;
    this.config = config;
    this.warehouse = new Warehouse(spark, config);
  }

  /** What to replay: span [from, to] of daily as-ofs (00:00 UTC). */
  public record Request(String runId, List<Integer> horizonsMinutes, Instant from, Instant to) {}

  /** One retrain of one horizon. */
  public record Retrain(
      int horizonMinutes,
      Instant date,
      String modelName,
      String version,
      String gateOutcome,
      String gateFailures,
      boolean promoted,
      String servedVersion,
      Instant lastTrainAsOf,
      Instant windowStart,
      Instant windowEnd,
      Long backtestN,
      Double backtestMlAccuracy,
      Double backtestNaiveAccuracy,
      double fitSeconds,
      Instant fitStartedAt,
      double retrainSeconds,
      String error) {}

  /** The outcome of one horizon. */
  public record HorizonRun(
      int horizonMinutes, List<Retrain> retrains, List<WalkForwardSummary.Line> lines) {
    public WalkForwardSummary.Line overall() {
      return lines.get(0);
    }
  }

  /** The whole run, with where its time went. */
  public record Result(
      String runId,
      String runWarehouse,
      List<HorizonRun> horizons,
      double seconds,
      double fitSeconds,
      double fitWallSeconds,
      double retrainSeconds) {}

  public Result run(Request request) {
    long started = System.nanoTime();
    if (request.to().isBefore(request.from())) {
      throw new ForecasterException(
          "--to " + request.to() + " is before --from " + request.from() + "; swap them");
    }
    ModelData all = ModelData.load(spark, config, warehouse, null, null);
    if (request.from().isAfter(all.asOf)) {
      throw new ForecasterException(
          String.format(
              "the span starts %s, after the latest candle close %s; choose an earlier --from"
                  + " or ingest more history",
              request.from(), all.asOf));
    }
    Instant to = request.to().isAfter(all.asOf) ? all.asOf : request.to();
    int lookback = config.lookbacksDays().get(0);
    List<Integer> horizons = request.horizonsMinutes();

    // One feature and label pass for the whole span. Features at t depend only on candles closed by
    // t and events before t (FORECASTING.md sections 1-2), so the rows of as-ofs <= r_k computed
    // here with all the data are exactly those `retrain --as-of r_k` computes with the data known
    // at r_k: every retrain reuses them. Labels are computed matured at the latest candle close and
    // narrowed per retrain to those matured at r_k's (see labelsKnownAt).
    List<Instant> grid = all.dailyGrid(null).stream().filter(t -> !t.isAfter(to)).toList();
    Dataset<Row> features = all.features(grid, lookback).cache();
    Dataset<Row> labels = all.labels(grid, horizons).cache();
    long nFeatures = features.count();
    labels.count();
    // The samples of each horizon over the whole span, once; a retrain narrows them (see
    // samplesKnownAt) instead of joining its features and labels again.
    Map<Integer, Dataset<Row>> spanSamples = new LinkedHashMap<>();
    for (int h : horizons) {
      spanSamples.put(h, Samples.of(features, labels, h).cache());
    }
    List<Instant> span = grid.stream().filter(t -> !t.isBefore(request.from())).toList();
    List<Instant> dates = RetrainDates.monthly(request.from(), to);
    // The naive baseline of the span and of every retrain's backtest window, once: the naive
    // forecast at t uses only prices at or before t (FORECASTING.md section 4), so it is the same
    // computed with all the data as with the data known at a later r_k. A window ends at the
    // retrain's latest matured sample, at most h before r_k: twice its length before the first
    // retrain date, less the longest horizon, holds them all.
    int longestHorizonDays = horizons.stream().mapToInt(h -> h / 1440 + 1).max().orElse(0);
    Instant naiveFrom =
        (dates.isEmpty() ? request.from() : dates.get(0))
            .minus(Duration.ofDays(2L * config.backtestDays() + longestHorizonDays));
    List<Instant> naiveAsOfs = grid.stream().filter(t -> !t.isBefore(naiveFrom)).toList();
    Dataset<Row> candles =
        AsOfPrices.forQueriesAt(
            AsOfPrices.candles(all.prices), AsOfPrices.dailyResidue(naiveAsOfs, horizons));
    Dataset<Row> naive =
        NaiveBaseline.compute(
                candles,
                AsOfPrices.grid(candles, all.asOfFrame(naiveAsOfs)),
                horizons,
                lookback,
                config.maxStaleness().toSeconds())
            .cache();
    naive.count();
    LOG.info(
        String.format(
            Locale.ROOT,
            "walkforward %s: one feature and label pass, %d rows on %d as-ofs; span %s .. %s (%d"
                + " as-ofs) (%.1f s)",
            request.runId(),
            nFeatures,
            grid.size(),
            span.isEmpty() ? "-" : span.get(0),
            to,
            span.size(),
            (System.nanoTime() - started) / 1e9));

    String runWarehouse = config.tablePath(Tables.walkForwardRun(request.runId()));
    ForecasterConfig runConfig = config.withWarehouse(runWarehouse);
    // Registry changes are held in memory and written once per retrain date, after that date's
    // artifacts: a killed run resumes from the last written date (its versions are found by their
    // fingerprints), and a version is never registered without its artifact.
    ModelRegistry registry = ModelRegistry.withHeldWrites(spark, new Warehouse(spark, runConfig));
    TrainModelJob train = TrainModelJob.forReplay(spark, runConfig, registry);
    BacktestModelJob backtest = BacktestModelJob.forReplay(spark, runConfig, registry);
    ModelArtifacts artifacts = new ModelArtifacts(spark, runConfig.resolvedModelsRoot());

    Instant end = to.plus(Duration.ofDays(1));
    Map<Integer, List<Schedule.Retrain>> schedule = new LinkedHashMap<>();
    Map<Integer, List<Retrain>> retrains = new LinkedHashMap<>();
    Map<Integer, List<Row>> scores = new LinkedHashMap<>();
    Map<String, PipelineModel> models = new ConcurrentHashMap<>();
    ExecutorService horizonThreads =
        Executors.newFixedThreadPool(horizons.size(), DaemonThreads.named("walkforward-horizon"));
    for (int h : horizons) {
      schedule.put(h, new ArrayList<>());
      retrains.put(h, new ArrayList<>());
      scores.put(h, new ArrayList<>());
    }
    long loopStart = System.nanoTime();
    double fitTotal = 0;
    double retrainTotal = 0;
    try {
      for (int k = 0; k < dates.size(); k++) {
        Instant r = dates.get(k);
        Instant until = k + 1 < dates.size() ? dates.get(k + 1) : end;
        ModelData known = ModelData.load(spark, config, warehouse, r, null);
        Map<Integer, Dataset<Row>> samplesAtR = new LinkedHashMap<>();
        spanSamples.forEach((h, s) -> samplesAtR.put(h, samplesKnownAt(s, r, known.dataThrough)));
        TrainModelJob.Inputs inputs =
            new TrainModelJob.Inputs(
                known,
                features.filter(col(AS_OF).leq(Timestamp.from(r))),
                labelsKnownAt(labels, r, known.dataThrough),
                lookback,
                samplesAtR,
                naive);
        // The horizons of a date are independent (own model name, registry rows and schedule), so
        // they retrain on parallel threads: while one thread plans, commits or waits on the driver,
        // another's forest keeps the cores busy. Each fit reads the same rows in the same
        // partitions as alone, so every model is the same as in a sequential run.
        Map<Integer, Future<Retrain>> running = new LinkedHashMap<>();
        for (int h : horizons) {
          running.put(
              h,
              horizonThreads.submit(
                  () ->
                      retrainAt(
                          train, backtest, artifacts, inputs, h, r, schedule.get(h), models)));
        }
        List<String> outcomes = new ArrayList<>();
        for (int h : horizons) {
          Retrain done = Futures.await(running.get(h), "retraining");
          retrains.get(h).add(done);
          fitTotal += done.fitSeconds();
          retrainTotal += done.retrainSeconds();
          scores
              .get(h)
              .addAll(scoresOf(features, schedule.get(h), h, r, until, request.from(), models));
          outcomes.add(
              String.format(
                  Locale.ROOT,
                  "%s %s %s%s (fit %.0f s)",
                  Horizons.label(h),
                  done.version() == null ? "-" : done.version(),
                  done.gateOutcome(),
                  done.promoted() ? " promoted" : "",
                  done.fitSeconds()));
        }
        train.awaitArtifacts();
        registry.flush();
        double elapsed = (System.nanoTime() - loopStart) / 1e9;
        double left = elapsed / (k + 1) * (dates.size() - k - 1);
        LOG.info(
            String.format(
                Locale.ROOT,
                "walkforward %s: retrain %d/%d at %s: %s; %.0f s so far, about %s left",
                request.runId(),
                k + 1,
                dates.size(),
                r.toString().substring(0, 10),
                String.join(", ", outcomes),
                elapsed,
                duration(left)));
      }
    } finally {
      horizonThreads.shutdown();
    }
    String runId = request.runId();
    Timestamp now = Timestamp.from(Instant.now());
    List<HorizonRun> results = new ArrayList<>();
    Dataset<Row> allPredictions = null;
    List<Row> summaryRows = new ArrayList<>();
    List<Row> runRows = new ArrayList<>();
    long leakage = 0;
    for (int h : horizons) {
      List<Schedule.Interval> intervals = Schedule.intervals(schedule.get(h), end);
      Dataset<Row> scored = spark.createDataFrame(scores.get(h), SCORES);
      Dataset<Row> predictions =
          WalkForwardPredictions.assemble(
                  labels,
                  naive.filter(col(HORIZON_MINUTES).equalTo(h)),
                  scored,
                  Schedule.frame(spark, intervals),
                  h,
                  request.from(),
                  to)
              .withColumn(HORIZON_MINUTES, lit(h))
              .withColumn(RUN_ID, lit(runId))
              .withColumn(CREATED_AT, lit(now))
              .cache();
      List<WalkForwardSummary.Pair> pairs = new ArrayList<>();
      for (Row p : predictions.collectAsList()) {
        pairs.add(WalkForwardPredictions.toPair(p));
      }
      List<WalkForwardSummary.RetrainOutcome> outcomes =
          retrains.get(h).stream()
              .map(x -> new WalkForwardSummary.RetrainOutcome(x.date(), x.promoted()))
              .toList();
      List<WalkForwardSummary.Line> lines = WalkForwardSummary.lines(pairs, h, outcomes);
      leakage += lines.get(0).leakagePairs();
      results.add(new HorizonRun(h, retrains.get(h), lines));
      for (WalkForwardSummary.Line l : lines) {
        summaryRows.add(summaryRow(runId, h, request.from(), to, l, now));
      }
      for (Retrain x : retrains.get(h)) {
        runRows.add(runRow(runId, request.from(), to, x, now));
      }
      Dataset<Row> selected =
          predictions.select(
              java.util.Arrays.stream(PREDICTIONS_COLUMNS)
                  .map(org.apache.spark.sql.functions::col)
                  .toArray(org.apache.spark.sql.Column[]::new));
      allPredictions = allPredictions == null ? selected : allPredictions.unionByName(selected);
    }
    backtest.writeHeldRows();
    if (allPredictions != null) {
      warehouse.replaceRun(
          Tables.WALKFORWARD_PREDICTIONS, allPredictions.schema(), allPredictions, runId);
    }
    warehouse.replaceRun(
        Tables.WALKFORWARD_RUNS, RUNS, spark.createDataFrame(runRows, RUNS), runId);
    warehouse.replaceRun(
        Tables.WALKFORWARD_SUMMARY, SUMMARY, spark.createDataFrame(summaryRows, SUMMARY), runId);
    features.unpersist();
    labels.unpersist();
    spanSamples.values().forEach(Dataset::unpersist);
    naive.unpersist();
    if (leakage > 0) {
      throw new ForecasterException(
          String.format(
              "walk-forward %s: %d pairs were scored by a model with a training sample t' + h"
                  + " after the pair's as-of (leakage; must be 0): a bug, see the rows with"
                  + " leakage = true in %s",
              runId, leakage, warehouse.path(Tables.WALKFORWARD_PREDICTIONS)));
    }
    List<Retrain> everyRetrain = new ArrayList<>();
    retrains.values().forEach(everyRetrain::addAll);
    return new Result(
        runId,
        runWarehouse,
        results,
        (System.nanoTime() - started) / 1e9,
        fitTotal,
        fitWallSeconds(everyRetrain),
        retrainTotal);
  }

  /**
   * Seconds during which at least one forest was being fitted: the horizons retrain in parallel, so
   * their fits overlap and their sum can exceed the run's time.
   */
  static double fitWallSeconds(List<Retrain> retrains) {
    List<double[]> spans = new ArrayList<>();
    for (Retrain x : retrains) {
      if (x.fitStartedAt() != null && x.fitSeconds() > 0) {
        double start = x.fitStartedAt().toEpochMilli() / 1e3;
        spans.add(new double[] {start, start + x.fitSeconds()});
      }
    }
    spans.sort((a, b) -> Double.compare(a[0], b[0]));
    double total = 0;
    double coveredTo = Double.NEGATIVE_INFINITY;
    for (double[] span : spans) {
      double from = Math.max(span[0], coveredTo);
      if (span[1] > from) {
        total += span[1] - from;
        coveredTo = span[1];
      }
    }
    return total;
  }

  /**
   * The labels {@code retrain --as-of r} sees: matured at x_r, the latest candle close <= r. A
   * label's value uses only candles closed by t + h, so for t + h <= x_r it is the same with all
   * the data; only the maturity narrows.
   */
  static Dataset<Row> labelsKnownAt(Dataset<Row> labels, Instant r, Instant xR) {
    return labels
        .filter(col(AS_OF).leq(Timestamp.from(r)))
        .withColumn(MATURED, col(MATURED).and(maturedBy(xR)));
  }

  /** t + h <= x_r: the label of the row has matured by the latest candle close x_r. */
  private static Column maturedBy(Instant xR) {
    return unix_seconds(col(AS_OF))
        .plus(col(HORIZON_MINUTES).multiply(60L))
        .leq(xR.getEpochSecond());
  }

  /**
   * The samples {@code retrain --as-of r} sees, from those of the whole span: {@link Samples#of} is
   * a join on (symbol, as-of) followed by a filter on the label's maturity, so narrowing its rows
   * as {@link #labelsKnownAt} narrows the labels gives the same rows as joining the narrowed
   * inputs.
   */
  static Dataset<Row> samplesKnownAt(Dataset<Row> samples, Instant r, Instant xR) {
    return samples.filter(col(AS_OF).leq(Timestamp.from(r)).and(maturedBy(xR)));
  }

  /** Runs `retrain --as-of r` for one horizon; a retrain that cannot train leaves no candidate. */
  private Retrain retrainAt(
      TrainModelJob train,
      BacktestModelJob backtest,
      ModelArtifacts artifacts,
      TrainModelJob.Inputs inputs,
      int h,
      Instant r,
      List<Schedule.Retrain> schedule,
      Map<String, PipelineModel> models) {
    long started = System.nanoTime();
    Schedule.Retrain lastPromoted = null;
    for (Schedule.Retrain s : schedule) {
      if (s.version() != null && s.gatePassed()) {
        lastPromoted = s;
      }
    }
    TrainModelJob.Trained trained;
    BacktestModelJob.Outcome outcome;
    try {
      // The same call and options as RetrainJob: holdout and configured purge.
      trained =
          train.train(
              inputs, new TrainModelJob.Options(h, null, true, config.split().purge(), false));
      outcome =
          backtest.run(
              trained.entry(), inputs.data().asOf, config.backtestDays(), inputs, trained.fitted());
    } catch (ForecasterException e) {
      LOG.warn("walkforward: no {} candidate at {}: {}", Horizons.label(h), r, e.getMessage());
      schedule.add(new Schedule.Retrain(r, null, null, false));
      return new Retrain(
          h,
          r,
          Horizons.modelName(h),
          null,
          "NOT_TRAINED",
          null,
          false,
          lastPromoted == null ? null : lastPromoted.version(),
          null,
          null,
          null,
          null,
          null,
          null,
          0,
          null,
          (System.nanoTime() - started) / 1e9,
          e.getMessage());
    }
    String version = trained.entry().version();
    PipelineModel fitted =
        trained.fitted() != null
            ? trained.fitted()
            : artifacts.loadPipeline(trained.entry().artifactUri());
    models.put(h + "/" + version, fitted);
    // The latest as-of the model was fit on (the split's last train sample over all symbols): the
    // leakage check compares it with every pair the model scores.
    JsonNode lastTrainNode = trained.metadata().path("last_train_as_of");
    Instant lastTrain = lastTrainNode.isTextual() ? Instant.parse(lastTrainNode.asText()) : null;
    boolean passed = outcome.gate().passed();
    schedule.add(new Schedule.Retrain(r, version, lastTrain, passed));
    ObjectNode metadata = trained.metadata();
    double fit = metadata.path("fit_seconds").asDouble(0);
    JsonNode fitStartNode = metadata.path("fit_started_at");
    Instant fitStarted =
        trained.reused() || !fitStartNode.isTextual() ? null : Instant.parse(fitStartNode.asText());
    return new Retrain(
        h,
        r,
        trained.entry().modelName(),
        version,
        outcome.gate().outcome().name(),
        String.join("; ", outcome.gate().failures()),
        passed,
        passed ? version : lastPromoted == null ? null : lastPromoted.version(),
        lastTrain,
        outcome.window().start(),
        outcome.window().end(),
        outcome.overall().n(),
        outcome.overall().mlAccuracy(),
        outcome.overall().naiveAccuracy(),
        trained.reused() ? 0 : fit,
        fitStarted,
        (System.nanoTime() - started) / 1e9,
        null);
  }

  /** (model_version, symbol, as_of, p_up) of the models that score the span. */
  private static final StructType SCORES =
      new StructType()
          .add(WalkForwardPredictions.SCORE_VERSION, DataTypes.StringType)
          .add(SYMBOL, DataTypes.StringType)
          .add(AS_OF, DataTypes.TimestampType)
          .add(P_UP, DataTypes.DoubleType);

  /**
   * p_up of the candidate of [r, until) and, when another, of the model served there, on the as-ofs
   * of the span in that interval. Collected now (a month of rows per model), so that the end of the
   * run does not plan and ship one forest per retrain in a union of dozens of scorings.
   */
  private static List<Row> scoresOf(
      Dataset<Row> features,
      List<Schedule.Retrain> schedule,
      int h,
      Instant r,
      Instant until,
      Instant from,
      Map<String, PipelineModel> models) {
    Schedule.Interval interval = Schedule.intervals(schedule, until).get(schedule.size() - 1);
    Instant start = r.isBefore(from) ? from : r;
    Dataset<Row> rows =
        features.filter(
            col(AS_OF).geq(Timestamp.from(start)).and(col(AS_OF).lt(Timestamp.from(until))));
    List<Row> out = new ArrayList<>();
    for (String version :
        new java.util.LinkedHashSet<>(
            java.util.Arrays.asList(interval.candidateVersion(), interval.servedVersion()))) {
      if (version == null) {
        continue;
      }
      PipelineModel model = models.get(h + "/" + version);
      out.addAll(
          ForestScores.pUpInDriver(model, rows)
              .select(
                  lit(version).as(WalkForwardPredictions.SCORE_VERSION),
                  col(SYMBOL),
                  col(AS_OF),
                  col(P_UP))
              .collectAsList());
    }
    return out;
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60)
        : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
  }

  static final String[] PREDICTIONS_COLUMNS = {
    RUN_ID,
    HORIZON_MINUTES,
    SYMBOL,
    AS_OF,
    WalkForwardPredictions.YEAR,
    Schedule.RETRAIN_DATE,
    FUTURE_RETURN,
    WalkForwardPredictions.ACTUAL_DIRECTION,
    WalkForwardPredictions.SERVED_MODEL_TYPE,
    Schedule.SERVED_VERSION,
    WalkForwardPredictions.SERVED_P_UP,
    WalkForwardPredictions.SERVED_DIRECTION,
    WalkForwardPredictions.SERVED_CORRECT,
    WalkForwardPredictions.CANDIDATE_MODEL_TYPE,
    Schedule.CANDIDATE_VERSION,
    WalkForwardPredictions.CANDIDATE_P_UP,
    WalkForwardPredictions.CANDIDATE_DIRECTION,
    WalkForwardPredictions.CANDIDATE_CORRECT,
    NaiveBaseline.NAIVE_DIRECTION,
    NaiveBaseline.NAIVE_CONFIDENCE,
    WalkForwardPredictions.NAIVE_PROB_UP,
    WalkForwardPredictions.NAIVE_CORRECT,
    WalkForwardPredictions.LEAKAGE,
    CREATED_AT
  };

  public static final StructType RUNS =
      new StructType()
          .add(RUN_ID, DataTypes.StringType, false)
          .add(HORIZON_MINUTES, DataTypes.IntegerType, false)
          .add(Schedule.RETRAIN_DATE, DataTypes.TimestampType, false)
          .add("span_from", DataTypes.TimestampType, false)
          .add("span_to", DataTypes.TimestampType, false)
          .add(MODEL_NAME, DataTypes.StringType, false)
          .add(MODEL_VERSION, DataTypes.StringType)
          .add("gate_outcome", DataTypes.StringType, false)
          .add("gate_failures", DataTypes.StringType)
          .add("promoted", DataTypes.BooleanType, false)
          .add(Schedule.SERVED_VERSION, DataTypes.StringType)
          .add("last_train_as_of", DataTypes.TimestampType)
          .add("window_start", DataTypes.TimestampType)
          .add("window_end", DataTypes.TimestampType)
          .add("backtest_n", DataTypes.LongType)
          .add("backtest_ml_accuracy", DataTypes.DoubleType)
          .add("backtest_naive_accuracy", DataTypes.DoubleType)
          .add("fit_seconds", DataTypes.DoubleType, false)
          .add("retrain_seconds", DataTypes.DoubleType, false)
          .add("error", DataTypes.StringType)
          .add(CREATED_AT, DataTypes.TimestampType, false);

  private static Row runRow(String runId, Instant from, Instant to, Retrain x, Timestamp now) {
    return RowFactory.create(
        runId,
        x.horizonMinutes(),
        Timestamp.from(x.date()),
        Timestamp.from(from),
        Timestamp.from(to),
        x.modelName(),
        x.version(),
        x.gateOutcome(),
        x.gateFailures(),
        x.promoted(),
        x.servedVersion(),
        ts(x.lastTrainAsOf()),
        ts(x.windowStart()),
        ts(x.windowEnd()),
        x.backtestN(),
        x.backtestMlAccuracy(),
        x.backtestNaiveAccuracy(),
        x.fitSeconds(),
        x.retrainSeconds(),
        x.error(),
        now);
  }

  public static final StructType SUMMARY =
      new StructType()
          .add(RUN_ID, DataTypes.StringType, false)
          .add(HORIZON_MINUTES, DataTypes.IntegerType, false)
          .add("span_from", DataTypes.TimestampType, false)
          .add("span_to", DataTypes.TimestampType, false)
          .add("level", DataTypes.StringType, false)
          .add(SYMBOL, DataTypes.StringType)
          .add("year", DataTypes.IntegerType)
          .add("n", DataTypes.LongType, false)
          .add("served_accuracy", DataTypes.DoubleType)
          .add("candidate_accuracy", DataTypes.DoubleType)
          .add("naive_accuracy", DataTypes.DoubleType)
          .add("served_improvement_pp", DataTypes.DoubleType)
          .add("candidate_improvement_pp", DataTypes.DoubleType)
          .add("served_hac_diff", DataTypes.DoubleType)
          .add("served_hac_se", DataTypes.DoubleType)
          .add("served_hac_z", DataTypes.DoubleType)
          .add("served_hac_p", DataTypes.DoubleType)
          .add("served_hac_p_vs_half", DataTypes.DoubleType)
          .add("candidate_hac_diff", DataTypes.DoubleType)
          .add("candidate_hac_se", DataTypes.DoubleType)
          .add("candidate_hac_z", DataTypes.DoubleType)
          .add("candidate_hac_p", DataTypes.DoubleType)
          .add("candidate_hac_p_vs_half", DataTypes.DoubleType)
          .add("served_brier", DataTypes.DoubleType)
          .add("candidate_brier", DataTypes.DoubleType)
          .add("ml_served_share", DataTypes.DoubleType)
          .add("retrains", DataTypes.IntegerType, false)
          .add("promotions", DataTypes.IntegerType, false)
          .add("leakage_pairs", DataTypes.LongType, false)
          .add(CREATED_AT, DataTypes.TimestampType, false);

  private static Row summaryRow(
      String runId, int h, Instant from, Instant to, WalkForwardSummary.Line l, Timestamp now) {
    Hac.Result s = l.servedVsNaive();
    Hac.Result c = l.candidateVsNaive();
    return RowFactory.create(
        runId,
        h,
        Timestamp.from(from),
        Timestamp.from(to),
        l.level(),
        l.symbol(),
        l.year(),
        l.n(),
        l.servedAccuracy(),
        l.candidateAccuracy(),
        l.naiveAccuracy(),
        l.servedImprovementPp(),
        l.candidateImprovementPp(),
        s.diff(),
        s.se(),
        s.z(),
        s.p(),
        l.servedVsHalf().p(),
        c.diff(),
        c.se(),
        c.z(),
        c.p(),
        l.candidateVsHalf().p(),
        l.servedBrier(),
        l.candidateBrier(),
        l.mlServedShare(),
        l.retrains(),
        l.promotions(),
        l.leakagePairs(),
        now);
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
