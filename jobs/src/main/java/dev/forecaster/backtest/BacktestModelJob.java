package dev.forecaster.backtest;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.features.AsOfPrices;
import dev.forecaster.forecast.NaiveBaseline;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.ForestScores;
import dev.forecaster.model.Horizons;
import dev.forecaster.model.ModelData;
import dev.forecaster.model.PlattScaling;
import dev.forecaster.model.Samples;
import dev.forecaster.model.TrainModelJob;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.Promotions;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.util.Progress;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backtest of FORECASTING.md section 8: scores a registered model and the naive baseline on the
 * same (symbol, as-of) samples of the window, writes {@code backtest_predictions}, {@code
 * backtest_summary} and a CSV export, runs the leakage guard, then the gate: a candidate that
 * passes is promoted for its horizon (the previous one retired), one that fails is rejected with
 * the failed criteria, and one that leaks is never gated.
 */
public final class BacktestModelJob {
  private static final Logger LOG = LoggerFactory.getLogger(BacktestModelJob.class);

  private final SparkSession spark;
  private final ForecasterConfig config;
  private final Warehouse warehouse;
  private final ModelRegistry registry;
  private final ModelArtifacts artifacts;
  private final boolean replay;
  // A replay's backtest rows, written by writeHeldRows in one commit per table.
  private final List<Row> heldPredictions = new ArrayList<>();
  private StructType heldPredictionsSchema;
  private final List<Row> heldSummary = new ArrayList<>();

  /** The result of one backtest. */
  public record Outcome(
      RegistryEntry entry,
      BacktestWindow window,
      SummaryLine overall,
      List<SummaryLine> bySymbol,
      long leakageSamples,
      Gate.Result gate,
      String statusAfter,
      String exportUri,
      ObjectNode metadata) {}

  public BacktestModelJob(SparkSession spark, ForecasterConfig config) {
    this(spark, config, null);
  }

  /**
   * @param replayRegistry the replay's registry (see forReplay), or null for a production run
   */
  private BacktestModelJob(
      SparkSession spark, ForecasterConfig config, ModelRegistry replayRegistry) {
    this.spark = spark;
    this.config = config;
    this.warehouse = new Warehouse(spark, config);
    this.replay = replayRegistry != null;
    this.registry = replay ? replayRegistry : new ModelRegistry(spark, warehouse);
    this.artifacts = new ModelArtifacts(spark, config.resolvedModelsRoot());
  }

  /**
   * The same backtest and gate for the walk-forward replay (FORECASTING.md section 10), which runs
   * dozens of them: the prediction and summary rows are held until {@link #writeHeldRows} writes
   * them in one commit per table (two MERGEs per retrain cost seconds each), and no spreadsheet
   * export is written.
   *
   * @param registry the run's registry, shared with its {@link TrainModelJob#forReplay}
   */
  public static BacktestModelJob forReplay(
      SparkSession spark, ForecasterConfig config, ModelRegistry registry) {
    return new BacktestModelJob(spark, config, registry);
  }

  /** Writes the rows a replay held back into backtest_predictions and backtest_summary. */
  public synchronized void writeHeldRows() {
    if (!heldPredictions.isEmpty()) {
      upsertPredictions(spark.createDataFrame(heldPredictions, heldPredictionsSchema));
    }
    if (!heldSummary.isEmpty()) {
      upsertSummary(spark.createDataFrame(heldSummary, SUMMARY));
    }
    heldPredictions.clear();
    heldSummary.clear();
  }

  /**
   * @param asOf the instant of the run (null: the latest candle close)
   * @param days window length (as-ofs)
   * @param reuse features and labels already computed by a retrain, or null
   */
  public Outcome run(RegistryEntry entry, Instant asOf, int days, TrainModelJob.Inputs reuse) {
    return run(entry, asOf, days, reuse, null);
  }

  /**
   * @param fitted the entry's pipeline as the retrain that saved it holds it in memory (reading 300
   *     trees back costs seconds), or null to read the entry's artifact
   */
  public Outcome run(
      RegistryEntry entry,
      Instant asOf,
      int days,
      TrainModelJob.Inputs reuse,
      PipelineModel fitted) {
    Progress progress = new Progress(LOG);
    String runId = "backtest-" + UUID.randomUUID().toString().substring(0, 8);
    ObjectNode metadata = artifacts.readMetadata(entry.metadataUri());
    int h = entry.horizonMinutes();
    int lookback = entry.lookbackDays();
    long staleness = config.maxStaleness().toSeconds();

    ModelData data;
    Dataset<Row> samples;
    boolean reused = reuse != null && reuse.lookbackDays() == lookback;
    if (reused) {
      data = reuse.data();
      samples = reuse.samples(h);
    } else {
      data = ModelData.load(spark, config, warehouse, asOf, null);
      // As-ofs that can hold the window: its end is about h before the data ends.
      Instant lastDay = data.asOf.truncatedTo(ChronoUnit.DAYS);
      Instant firstDay =
          data.dataThrough
              .minus(Duration.ofMinutes(h))
              .truncatedTo(ChronoUnit.DAYS)
              .minus(Duration.ofDays(days + 3L));
      List<Instant> grid =
          data.dailyGrid(firstDay).stream().filter(t -> !t.isAfter(lastDay)).toList();
      samples = Samples.of(data.features(grid, lookback), data.labels(grid, List.of(h)), h);
    }
    if (!reused || !reuse.samplesByHorizon().containsKey(h)) {
      samples = samples.cache(); // precomputed samples are a filter over a cached table already
    }
    Row latest = samples.agg(max(col(AS_OF))).first();
    if (latest.isNullAt(0)) {
      throw new ForecasterException(
          String.format(
              "no matured %s samples up to %s to backtest %s on; ingest more history or choose a"
                  + " later --as-of",
              Horizons.label(h), data.asOf, entry.ref()));
    }
    BacktestWindow window = BacktestWindow.endingAt(latest.getTimestamp(0).toInstant(), days);
    Dataset<Row> inWindow =
        samples.filter(
            col(AS_OF)
                .geq(Timestamp.from(window.start()))
                .and(col(AS_OF).leq(Timestamp.from(window.end()))));

    Dataset<Row> naive;
    if (reused && reuse.naive() != null) {
      naive =
          reuse
              .naive()
              .filter(
                  col(HORIZON_MINUTES)
                      .equalTo(h)
                      .and(col(AS_OF).geq(Timestamp.from(window.start())))
                      .and(col(AS_OF).leq(Timestamp.from(window.end()))));
    } else {
      Dataset<Row> candles =
          AsOfPrices.forQueriesAt(
              AsOfPrices.candles(data.prices), AsOfPrices.dailyResidue(window.asOfs(), List.of(h)));
      naive =
          NaiveBaseline.compute(
              candles,
              AsOfPrices.grid(candles, data.asOfFrame(window.asOfs())),
              List.of(h),
              lookback,
              staleness);
    }
    PipelineModel model = fitted != null ? fitted : artifacts.loadPipeline(entry.artifactUri());
    Dataset<Row> ml = ForestScores.pUpInDriver(model, inWindow);
    PlattScaling platt = config.plattCalibration() ? PlattScaling.fromMetadata(metadata) : null;
    ObjectNode calibration = null;
    if (platt != null) {
      // What the forecast will serve is what is gated: the calibrated p_up.
      Dataset<Row> raw = ml.withColumnRenamed(P_UP, "p_up_raw");
      ml = raw.withColumn(P_UP, platt.apply(col("p_up_raw")));
      calibration =
          calibrationNode(
              ml.join(inWindow.select(SYMBOL, AS_OF, DIRECTION), new String[] {SYMBOL, AS_OF}));
    }
    Dataset<Row> paired = BacktestPredictions.pair(inWindow, ml, naive).cache();

    List<SymbolCounts> counts = new ArrayList<>();
    for (Row r : BacktestPredictions.countsBySymbol(paired).collectAsList()) {
      counts.add(SymbolCounts.of(r));
    }
    Map<String, List<Hac.Pair>> pairs = hacPairs(paired);
    List<SummaryLine> bySymbol =
        counts.stream()
            .map(c -> SummaryLine.of(c, h, pairs.getOrDefault(c.symbol(), List.of())))
            .toList();
    SummaryLine overall =
        SummaryLine.of(
            SymbolCounts.total(counts), h, pairs.values().stream().flatMap(List::stream).toList());
    long leakage = leakageSamples(entry, window);
    Gate.Result gate = Gate.evaluate(overall, bySymbol, leakage, config.gate());
    progress.step(
        "%s: backtest on %d pairs of %s .. %s, gate %s",
        entry.ref(), overall.n(), window.start(), window.end(), gate.outcome());

    Instant now = Instant.now();
    Dataset<Row> predictions = predictionRows(entry, window, paired, runId, now);
    List<Row> summary = summaryRows(entry, window, overall, bySymbol, leakage, gate, runId, now);
    String export = null;
    if (replay) {
      List<Row> predictionRows = predictions.collectAsList();
      synchronized (this) { // the walk-forward backtests its horizons on parallel threads
        heldPredictions.addAll(predictionRows);
        heldPredictionsSchema = predictions.schema();
        heldSummary.addAll(summary);
      }
    } else {
      upsertPredictions(predictions);
      upsertSummary(spark.createDataFrame(summary, SUMMARY));
      export = exportCsv(entry);
    }
    paired.unpersist();
    samples.unpersist();

    ObjectNode backtest = backtestNode(window, overall, bySymbol, leakage, export);
    backtest.set("calibration", calibration);
    metadata.set("backtest", backtest);
    ObjectNode gateNode = metadata.putObject("gate");
    gateNode.put("outcome", gate.outcome().name());
    ArrayNode failures = gateNode.putArray("failures");
    gate.failures().forEach(failures::add);
    gateNode.put("evaluated_at", now.toString());
    artifacts.writeMetadata(metadata, entry.metadataUri());

    String statusAfter = decide(entry, gate, backtest.toString(), runId, now);
    return new Outcome(
        entry, window, overall, bySymbol, leakage, gate, statusAfter, export, metadata);
  }

  /** The included pairs per symbol as (as-of, ML correct, naive correct) for section 9. */
  static Map<String, List<Hac.Pair>> hacPairs(Dataset<Row> paired) {
    Map<String, List<Hac.Pair>> bySymbol = new java.util.TreeMap<>();
    for (Row r :
        paired
            .filter(col(BacktestPredictions.INCLUDED))
            .select(
                col(SYMBOL),
                unix_seconds(col(AS_OF)),
                col(BacktestPredictions.ML_CORRECT),
                col(BacktestPredictions.NAIVE_CORRECT))
            .collectAsList()) {
      bySymbol
          .computeIfAbsent(r.getString(0), k -> new ArrayList<>())
          .add(
              new Hac.Pair(r.getLong(1), r.getBoolean(2) ? 1.0 : 0.0, r.getBoolean(3) ? 1.0 : 0.0));
    }
    return bySymbol;
  }

  /** Number of bins of the reliability diagrams. */
  public static final int RELIABILITY_BINS = 10;

  /**
   * Brier score and reliability of the window's p_up before and after the model's Platt scaling.
   *
   * @param scored (p_up_raw, p_up, direction) of the window's samples
   */
  private static ObjectNode calibrationNode(Dataset<Row> scored) {
    var up = col(DIRECTION).equalTo(UP);
    var y = when(up, 1.0).otherwise(0.0);
    Row brier =
        scored.agg(avg(pow(col("p_up_raw").minus(y), 2)), avg(pow(col(P_UP).minus(y), 2))).first();
    ObjectNode node = ModelArtifacts.JSON.createObjectNode();
    node.put("method", "platt");
    node.put("brier_before", brier.isNullAt(0) ? null : brier.getDouble(0));
    node.put("brier_after", brier.isNullAt(1) ? null : brier.getDouble(1));
    node.set(
        "reliability_before",
        Reliability.toJson(
            Reliability.collect(
                Reliability.bins(scored, col("p_up_raw"), up, RELIABILITY_BINS),
                RELIABILITY_BINS)));
    node.set(
        "reliability_after",
        Reliability.toJson(
            Reliability.collect(
                Reliability.bins(scored, col(P_UP), up, RELIABILITY_BINS), RELIABILITY_BINS)));
    return node;
  }

  /** Applies the gate to the registry; only a candidate changes status. */
  private String decide(
      RegistryEntry entry, Gate.Result gate, String metrics, String runId, Instant now) {
    RegistryEntry current = registry.resolve(entry.ref());
    if (!RegistryEntry.CANDIDATE.equals(current.status())) {
      registry.recordEvent(
          current,
          "backtest " + gate.outcome() + " (status kept: " + current.status() + ")",
          runId,
          now);
      return current.status();
    }
    switch (gate.outcome()) {
      case PASSED -> {
        registry.apply(
            Promotions.promote(registry.all(), current, "gate passed", now),
            Map.of(current.ref(), metrics),
            runId,
            now);
        return RegistryEntry.PROMOTED;
      }
      case FAILED -> {
        registry.apply(
            List.of(
                current.withStatus(
                    RegistryEntry.REJECTED,
                    "gate failed: " + String.join("; ", gate.failures()),
                    now)),
            Map.of(current.ref(), metrics),
            runId,
            now);
        return RegistryEntry.REJECTED;
      }
      default -> {
        registry.recordEvent(
            current, "LEAKAGE, not gated: " + String.join("; ", gate.failures()), runId, now);
        return current.status();
      }
    }
  }

  /** Training samples of the model with t + h after the window start. */
  private long leakageSamples(RegistryEntry entry, BacktestWindow window) {
    String uri = artifacts.trainingSamplesUri(entry.modelName(), entry.version());
    long latestAllowed = window.latestTrainingAsOf(entry.horizonMinutes()).getEpochSecond();
    return artifacts
        .trainingSamples(uri)
        .filter(unix_seconds(col(AS_OF)).gt(latestAllowed))
        .count();
  }

  private static Dataset<Row> predictionRows(
      RegistryEntry entry, BacktestWindow window, Dataset<Row> paired, String runId, Instant now) {
    return paired.select(
        lit(entry.modelName()).as(MODEL_NAME),
        lit(entry.version()).as(MODEL_VERSION),
        lit(entry.horizonMinutes()).as(HORIZON_MINUTES),
        lit(entry.lookbackDays()).as(LOOKBACK_DAYS),
        lit(Timestamp.from(window.start())).as("window_start"),
        lit(Timestamp.from(window.end())).as("window_end"),
        col(SYMBOL),
        col(AS_OF),
        col(FUTURE_RETURN),
        col(BacktestPredictions.ACTUAL_DIRECTION),
        col(P_UP),
        col(ForestScores.ML_DIRECTION),
        col(ForestScores.ML_CONFIDENCE),
        col(ForestScores.ML_EXPECTED_RETURN),
        col(NaiveBaseline.NAIVE_DIRECTION),
        col(NaiveBaseline.NAIVE_CONFIDENCE),
        col(NaiveBaseline.NAIVE_EXPECTED_RETURN),
        col(NaiveBaseline.NAIVE_MISSING_REASON),
        col(BacktestPredictions.INCLUDED),
        col(BacktestPredictions.ML_CORRECT),
        col(BacktestPredictions.NAIVE_CORRECT),
        lit(runId).as(RUN_ID),
        lit(Timestamp.from(now)).as(CREATED_AT));
  }

  private void upsertPredictions(Dataset<Row> rows) {
    warehouse.upsert(
        Tables.BACKTEST_PREDICTIONS,
        rows.schema(),
        rows,
        List.of(MODEL_NAME, MODEL_VERSION, "window_end", SYMBOL, AS_OF));
  }

  static final StructType SUMMARY =
      new StructType()
          .add(MODEL_NAME, DataTypes.StringType, false)
          .add(MODEL_VERSION, DataTypes.StringType, false)
          .add(HORIZON_MINUTES, DataTypes.IntegerType, false)
          .add("window_start", DataTypes.TimestampType, false)
          .add("window_end", DataTypes.TimestampType, false)
          .add(SYMBOL, DataTypes.StringType)
          .add("n", DataTypes.LongType, false)
          .add("n_missing", DataTypes.LongType, false)
          .add("ml_accuracy", DataTypes.DoubleType)
          .add("naive_accuracy", DataTypes.DoubleType)
          .add("improvement_pp", DataTypes.DoubleType)
          .add("wilson_low", DataTypes.DoubleType)
          .add("wilson_high", DataTypes.DoubleType)
          .add("binomial_p", DataTypes.DoubleType, false)
          .add("mcnemar_p", DataTypes.DoubleType, false)
          .add("effective_n", DataTypes.DoubleType, false)
          .add("brier", DataTypes.DoubleType)
          .add("ml_beats_naive", DataTypes.BooleanType, false)
          .add("hac_diff", DataTypes.DoubleType)
          .add("hac_se", DataTypes.DoubleType)
          .add("hac_z", DataTypes.DoubleType)
          .add("hac_p", DataTypes.DoubleType)
          .add("hac_p_vs_half", DataTypes.DoubleType)
          .add("leakage_samples", DataTypes.LongType, false)
          .add("gate_outcome", DataTypes.StringType)
          .add("gate_failures", DataTypes.StringType)
          .add(RUN_ID, DataTypes.StringType, false)
          .add(CREATED_AT, DataTypes.TimestampType, false);

  private static List<Row> summaryRows(
      RegistryEntry entry,
      BacktestWindow window,
      SummaryLine overall,
      List<SummaryLine> bySymbol,
      long leakage,
      Gate.Result gate,
      String runId,
      Instant now) {
    List<Row> rows = new ArrayList<>();
    List<SummaryLine> all = new ArrayList<>(bySymbol);
    all.add(overall);
    for (SummaryLine l : all) {
      boolean isOverall = l.symbol() == null;
      rows.add(
          RowFactory.create(
              entry.modelName(),
              entry.version(),
              entry.horizonMinutes(),
              Timestamp.from(window.start()),
              Timestamp.from(window.end()),
              l.symbol(),
              l.n(),
              l.nMissing(),
              l.mlAccuracy(),
              l.naiveAccuracy(),
              l.improvementPp(),
              l.wilson() == null ? null : l.wilson().low(),
              l.wilson() == null ? null : l.wilson().high(),
              l.binomialP(),
              l.mcnemarP(),
              l.effectiveN(),
              l.brier(),
              l.mlBeatsNaive(),
              l.hac().diff(),
              l.hac().se(),
              l.hac().z(),
              l.hac().p(),
              l.hacVsHalf().p(),
              leakage,
              isOverall ? gate.outcome().name() : null,
              isOverall ? String.join("; ", gate.failures()) : null,
              runId,
              Timestamp.from(now)));
    }
    return rows;
  }

  private void upsertSummary(Dataset<Row> rows) {
    warehouse.upsert(
        Tables.BACKTEST_SUMMARY,
        SUMMARY,
        rows,
        List.of(MODEL_NAME, MODEL_VERSION, "window_end", SYMBOL));
  }

  /** The model's backtest predictions as one CSV file with a header, for spreadsheets. */
  private String exportCsv(RegistryEntry entry) {
    String uri = config.tablePath("exports/backtest/" + entry.modelName() + "_" + entry.version());
    warehouse
        .read(Tables.BACKTEST_PREDICTIONS)
        .filter(
            col(MODEL_NAME)
                .equalTo(entry.modelName())
                .and(col(MODEL_VERSION).equalTo(entry.version())))
        .orderBy("window_end", SYMBOL, AS_OF)
        .coalesce(1)
        .write()
        .mode("overwrite")
        .option("header", true)
        .csv(uri);
    return uri;
  }

  private static ObjectNode backtestNode(
      BacktestWindow window,
      SummaryLine overall,
      List<SummaryLine> bySymbol,
      long leakage,
      String export) {
    ObjectNode node = ModelArtifacts.JSON.createObjectNode();
    node.put("window_start", window.start().toString());
    node.put("window_end", window.end().toString());
    node.put("days", window.days());
    node.put("leakage_samples", leakage);
    node.set("overall", lineNode(overall));
    ObjectNode symbols = node.putObject("per_symbol");
    bySymbol.forEach(l -> symbols.set(l.symbol(), lineNode(l)));
    node.put("export", export);
    return node;
  }

  static ObjectNode lineNode(SummaryLine l) {
    ObjectNode n = ModelArtifacts.JSON.createObjectNode();
    n.put("n", l.n());
    n.put("n_missing", l.nMissing());
    n.put("ml_accuracy", l.mlAccuracy());
    n.put("naive_accuracy", l.naiveAccuracy());
    n.put("improvement_pp", l.improvementPp());
    n.put("wilson_low", l.wilson() == null ? null : l.wilson().low());
    n.put("wilson_high", l.wilson() == null ? null : l.wilson().high());
    n.put("binomial_p", l.binomialP());
    n.put("mcnemar_p", l.mcnemarP());
    n.put("effective_n", l.effectiveN());
    n.put("brier", l.brier());
    n.put("ml_beats_naive", l.mlBeatsNaive());
    n.put("hac_diff", l.hac().diff());
    n.put("hac_se", l.hac().se());
    n.put("hac_z", l.hac().z());
    n.put("hac_p", l.hac().p());
    n.put("hac_p_vs_half", l.hacVsHalf().p());
    return n;
  }
}
