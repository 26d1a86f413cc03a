package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.backtest.BacktestWindow;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.io.Warehouse;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.util.BuildInfo;
import dev.forecaster.util.DaemonThreads;
import dev.forecaster.util.Futures;
import dev.forecaster.util.Progress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one horizon's model (FORECASTING.md sections 5 and 7): samples, per-symbol chronological
 * split with purge, the MLlib pipeline, test metrics; saves the pipeline with its metadata.json and
 * registers the version as a candidate. Training the same data with the same settings again returns
 * the version already trained instead of adding a copy.
 */
public final class TrainModelJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainModelJob.class);

  private final SparkSession spark;
  private final ForecasterConfig config;
  private final Warehouse warehouse;
  private final ModelRegistry registry;
  private final ModelArtifacts artifacts;
  private final boolean replay;
  // A replay saves each fitted pipeline on this thread while it goes on (see awaitArtifacts); the
  // thread ends when idle.
  private final ExecutorService artifactWriter;
  private final List<Future<?>> pendingArtifacts = new ArrayList<>();

  /**
   * What to train.
   *
   * @param holdout end the training data (purged) before the backtest window of T, so the model can
   *     be backtested and gated on that window; off, the split runs over every matured sample, so
   *     training reaches into the window (and the guard reports LEAKAGE) only when the test split
   *     is shorter than the window plus h (e.g. 280 days of daily history, not 400)
   * @param fitAll fit on every sample, with no test split (only for experiments: the leakage guard
   *     then catches it)
   */
  public record Options(
      int horizonMinutes, Instant trainFrom, boolean holdout, boolean purge, boolean fitAll) {}

  /**
   * A trained (or found) version with its metadata.
   *
   * @param fitted the pipeline this run fitted and saved as the version's artifact; null when an
   *     earlier version was reused (its artifact is then read from the registry)
   */
  public record Trained(RegistryEntry entry, ObjectNode metadata, PipelineModel fitted) {
    /** Whether an earlier version trained on the same data and settings was found instead. */
    public boolean reused() {
      return fitted == null;
    }
  }

  public TrainModelJob(SparkSession spark, ForecasterConfig config) {
    this(spark, config, null);
  }

  /**
   * @param replayRegistry the replay's registry (see forReplay), or null for a production run
   */
  private TrainModelJob(SparkSession spark, ForecasterConfig config, ModelRegistry replayRegistry) {
    this.spark = spark;
    this.config = config;
    this.warehouse = new Warehouse(spark, config);
    this.replay = replayRegistry != null;
    this.registry = replay ? replayRegistry : new ModelRegistry(spark, warehouse);
    this.artifacts = new ModelArtifacts(spark, config.resolvedModelsRoot());
    this.artifactWriter =
        replay
            ? new ThreadPoolExecutor(
                0,
                1,
                10,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                DaemonThreads.named("replay-artifact-writer"))
            : null;
  }

  /**
   * Waits for the pipelines this replay is still saving. A version must not be registered before
   * its artifact is whole: the replay calls this before it writes its registry.
   */
  public void awaitArtifacts() {
    List<Future<?>> saves;
    synchronized (pendingArtifacts) {
      saves = List.copyOf(pendingArtifacts);
      pendingArtifacts.clear();
    }
    for (Future<?> save : saves) {
      Futures.await(save, "saving a model");
    }
  }

  /**
   * The same training for the walk-forward replay (FORECASTING.md section 10): the same samples,
   * split, purge, fit, saved pipeline and registration, without the two outputs only production
   * models use and nothing in a replay reads: the test-split metrics (the gate judges the backtest)
   * and the training distribution (the monitor's drift reference). They cost about a seventh of a
   * retrain.
   *
   * @param registry the run's registry (with held writes: {@link ModelRegistry#withHeldWrites})
   */
  public static TrainModelJob forReplay(
      SparkSession spark, ForecasterConfig config, ModelRegistry registry) {
    return new TrainModelJob(spark, config, registry);
  }

  /**
   * Features and labels of the whole daily grid up to T, once for every horizon.
   *
   * @param samplesByHorizon samples already computed from these features and labels, by horizon
   *     (the walk-forward narrows the samples of its whole span to each retrain), or empty
   * @param naive the naive baseline ({@link dev.forecaster.forecast.NaiveBaseline#compute}) of
   *     every horizon at the as-ofs a backtest of these inputs asks for, already computed; or null
   */
  public record Inputs(
      ModelData data,
      Dataset<Row> features,
      Dataset<Row> labels,
      int lookbackDays,
      Map<Integer, Dataset<Row>> samplesByHorizon,
      Dataset<Row> naive) {
    public Inputs(ModelData data, Dataset<Row> features, Dataset<Row> labels, int lookbackDays) {
      this(data, features, labels, lookbackDays, Map.of(), null);
    }

    /** The samples of horizon h ({@link Samples#of} of the features and labels). */
    public Dataset<Row> samples(int horizonMinutes) {
      Dataset<Row> given = samplesByHorizon.get(horizonMinutes);
      return given != null ? given : Samples.of(features, labels, horizonMinutes);
    }
  }

  public Inputs inputs(Instant asOf, Instant trainFrom) {
    Progress progress = new Progress(LOG);
    ModelData data = ModelData.load(spark, config, warehouse, asOf, null);
    List<Instant> grid = data.dailyGrid(trainFrom);
    if (grid.isEmpty()) {
      throw new ForecasterException(
          "no daily as-of between "
              + trainFrom
              + " and "
              + data.asOf
              + "; check --train-from and --as-of");
    }
    int lookback = config.lookbacksDays().get(0);
    Dataset<Row> features = data.features(grid, lookback).cache();
    Dataset<Row> labels = data.labels(grid, config.horizonsMinutes()).cache();
    long n = features.count();
    labels.count();
    progress.step(
        "inputs: %d feature rows on %d daily as-ofs (%s .. %s), data through %s",
        n, grid.size(), grid.get(0), grid.get(grid.size() - 1), data.dataThrough);
    return new Inputs(data, features, labels, lookback);
  }

  public Trained train(Inputs inputs, Options options) {
    Progress progress = new Progress(LOG);
    int h = options.horizonMinutes();
    String name = Horizons.modelName(h);
    ForecasterConfig.RandomForest rf = config.randomForest();
    String fingerprint = fingerprint(inputs, options);
    Optional<RegistryEntry> existing = registry.findByFingerprint(name, fingerprint);
    if (existing.isPresent()) {
      LOG.info("{} was already trained on the same data and settings", existing.get().ref());
      return new Trained(
          existing.get(), artifacts.readMetadata(existing.get().metadataUri()), null);
    }

    Dataset<Row> samples = inputs.samples(h);
    Row latest = samples.agg(max(col(AS_OF))).first();
    if (latest.isNullAt(0)) {
      throw new ForecasterException(
          String.format(
              "no matured %s samples up to %s: a sample needs 7 days of history and a label"
                  + " %s later; ingest more history or choose a later --as-of",
              Horizons.label(h), inputs.data().asOf, Horizons.label(h)));
    }
    BacktestWindow window =
        BacktestWindow.endingAt(latest.getTimestamp(0).toInstant(), config.backtestDays());
    Dataset<Row> pool =
        options.holdout()
            ? Samples.endingBefore(samples, window.start().getEpochSecond(), h)
            : samples;
    if (options.trainFrom() != null) {
      pool = pool.filter(col(AS_OF).geq(java.sql.Timestamp.from(options.trainFrom())));
    }
    Dataset<Row> split =
        options.fitAll()
            ? pool.withColumn(Samples.SPLIT, lit(Samples.TRAIN))
            : Samples.split(pool, config.split().trainRatio(), options.purge(), h);
    split = split.cache();
    Dataset<Row> train = split.filter(col(Samples.SPLIT).equalTo(Samples.TRAIN));
    Dataset<Row> test = split.filter(col(Samples.SPLIT).equalTo(Samples.TEST));
    List<Row> windows = perSymbolWindows(split);
    long trainSymbols =
        windows.stream().filter(r -> r.getLong(r.fieldIndex("n_train")) > 0).count();
    long nTrain = windows.stream().mapToLong(r -> r.getLong(r.fieldIndex("n_train"))).sum();
    if (nTrain == 0) {
      throw new ForecasterException(
          String.format(
              "no %s training samples%s up to %s; ingest more history, or move --as-of or"
                  + " --train-from",
              Horizons.label(h),
              options.holdout() ? " before the backtest window starting " + window.start() : "",
              inputs.data().asOf));
    }
    int maxBins = ForestPipeline.effectiveMaxBins(rf.maxBins(), trainSymbols);
    progress.step("%s: %d training samples over %d symbols", name, nTrain, trainSymbols);
    Instant fitStartedAt = Instant.now();
    long fitStart = System.nanoTime();
    PipelineModel model = ForestPipeline.build(rf, maxBins).fit(train.coalesce(rf.partitions()));
    double fitSeconds = (System.nanoTime() - fitStart) / 1e9;
    progress.step("%s: fitted %d trees", name, rf.numTrees());

    ObjectNode testMetrics = null;
    ObjectNode distribution = null;
    // The test split is scored once, in the driver while it is small (no forest in every task).
    Dataset<Row> testScores =
        !replay || config.plattCalibration() ? ForestScores.pUpInDriver(model, test) : null;
    if (!replay) {
      testMetrics = TestMetrics.of(testScores, test);
      distribution = TrainingDistribution.of(train);
      progress.step("%s: scored the test split, measured the training set", name);
    }
    ObjectNode calibration = config.plattCalibration() ? calibrate(testScores, test) : null;
    int number = registry.nextVersionNumber(name);
    String version = "v" + number;
    String pipelineUri = artifacts.pipelineUri(name, version);
    String metadataUri = artifacts.metadataUri(name, version);
    if (artifactWriter != null) {
      // Saving 300 trees takes 2-3 s, mostly on the driver; the replay scores with the model in
      // memory meanwhile and reads an artifact back only when a re-run resumes.
      Future<?> save = artifactWriter.submit(() -> artifacts.savePipeline(model, pipelineUri));
      synchronized (pendingArtifacts) { // horizons train on parallel threads in a replay
        pendingArtifacts.add(save);
      }
    } else {
      artifacts.savePipeline(model, pipelineUri);
    }
    // The backtest's leakage guard reads the training keys next: written here and now.
    artifacts.saveTrainingSamples(
        train.select(SYMBOL, AS_OF), artifacts.trainingSamplesUri(name, version));
    progress.step(
        "%s: %s %s",
        name, artifactWriter != null ? "saving in the background" : "saved", pipelineUri);

    Instant now = Instant.now();
    ObjectNode metadata = ModelArtifacts.JSON.createObjectNode();
    metadata.put("model_name", name);
    metadata.put("version", version);
    metadata.put("horizon_minutes", h);
    metadata.put("horizon", Horizons.label(h));
    metadata.put("lookback_days", inputs.lookbackDays());
    metadata.put(
        "algorithm",
        "Spark MLlib RandomForestClassifier (pipeline: nulls -> 0.0, symbol index keeping unseen symbols, vector assembler)");
    ObjectNode hyper = metadata.putObject("hyperparameters");
    hyper.put("num_trees", rf.numTrees());
    hyper.put("max_depth", rf.maxDepth());
    hyper.put("min_instances_per_node", rf.minInstancesPerNode());
    hyper.put("max_bins_configured", rf.maxBins());
    hyper.put("max_bins", maxBins);
    hyper.put("seed", rf.seed());
    hyper.put("training_partitions", rf.partitions());
    hyper.put("feature_subset_strategy", "auto");
    hyper.put("impurity", "gini");
    ArrayNode featureList = metadata.putArray("features");
    ForestPipeline.inputNames().forEach(featureList::add);
    metadata.put("as_of", inputs.data().asOf.toString());
    metadata.put("data_through", inputs.data().dataThrough.toString());
    metadata.put("train_from", options.trainFrom() == null ? null : options.trainFrom().toString());
    ObjectNode splitNode = metadata.putObject("split");
    splitNode.put("train_ratio", options.fitAll() ? 1.0 : config.split().trainRatio());
    splitNode.put("purge", options.purge() && !options.fitAll());
    splitNode.put("fit_all", options.fitAll());
    splitNode.put("holdout_backtest_window", options.holdout());
    splitNode.put("holdout_window_start", options.holdout() ? window.start().toString() : null);
    metadata.put("purge", options.purge() && !options.fitAll());
    ObjectNode symbols = metadata.putObject("symbols");
    Instant lastTrain = null;
    long up = 0;
    for (Row r : windows) {
      ObjectNode s = symbols.putObject(r.getString(r.fieldIndex(SYMBOL)));
      for (String field : List.of("train_from", "train_to", "test_from", "test_to")) {
        java.sql.Timestamp ts = r.getTimestamp(r.fieldIndex(field));
        s.put(field, ts == null ? null : ts.toInstant().toString());
      }
      s.put("n_train", r.getLong(r.fieldIndex("n_train")));
      s.put("n_purged", r.getLong(r.fieldIndex("n_purged")));
      s.put("n_test", r.getLong(r.fieldIndex("n_test")));
      up += r.getLong(r.fieldIndex("n_train_up"));
      java.sql.Timestamp trainTo = r.getTimestamp(r.fieldIndex("train_to"));
      if (trainTo != null && (lastTrain == null || trainTo.toInstant().isAfter(lastTrain))) {
        lastTrain = trainTo.toInstant();
      }
    }
    metadata.put("last_train_as_of", lastTrain == null ? null : lastTrain.toString());
    ObjectNode balance = metadata.putObject("class_balance");
    ObjectNode trainBalance = balance.putObject("train");
    trainBalance.put("up", up);
    trainBalance.put("down", nTrain - up);
    trainBalance.put("up_share", (double) up / nTrain);
    balance.set("test", testMetrics == null ? null : testMetrics.get("class_balance"));
    metadata.set("test_metrics", testMetrics);
    metadata.set(
        "feature_importances",
        importances(
            ((RandomForestClassificationModel) model.stages()[3]).featureImportances().toArray()));
    metadata.set("training_distribution", distribution);
    if (calibration != null) {
      metadata.set("calibration", calibration);
    } else {
      metadata.putNull("calibration");
    }
    metadata.putNull("backtest");
    metadata.putNull("gate");
    ObjectNode versions = metadata.putObject("table_versions");
    inputs.data().tableVersions().forEach(versions::put);
    metadata.put("code_version", BuildInfo.codeVersion());
    metadata.put("created_at", now.toString());
    // Where a run's time goes (the walk-forward's benchmark reports the forest's share).
    metadata.put("fit_started_at", fitStartedAt.toString());
    metadata.put("fit_seconds", fitSeconds);
    metadata.put("fingerprint", fingerprint);
    metadata.put("artifact_uri", pipelineUri);
    artifacts.writeMetadata(metadata, metadataUri);

    RegistryEntry entry =
        new RegistryEntry(
            name,
            version,
            number,
            h,
            inputs.lookbackDays(),
            RegistryEntry.CANDIDATE,
            pipelineUri,
            metadataUri,
            fingerprint,
            now,
            now,
            "trained");
    registry.apply(
        List.of(entry),
        testMetrics == null ? Map.of() : Map.of(entry.ref(), testMetrics.toString()),
        "train-" + version,
        now);
    split.unpersist();
    progress.step("%s: registered as candidate", entry.ref());
    return new Trained(entry, metadata, model);
  }

  /**
   * Platt scaling fitted on the purged test split (FORECASTING.md section 7), with the split's
   * Brier score before and after (in-sample for the scaling; the backtest measures it out of
   * sample). Null when the split is empty.
   */
  private static ObjectNode calibrate(Dataset<Row> testScores, Dataset<Row> test) {
    List<Row> scored =
        testScores
            .join(test.select(SYMBOL, AS_OF, Samples.LABEL), new String[] {SYMBOL, AS_OF})
            .select(P_UP, Samples.LABEL)
            .collectAsList();
    if (scored.isEmpty()) {
      LOG.warn("no test samples to fit the Platt scaling on; the model stays uncalibrated");
      return null;
    }
    double[] p = new double[scored.size()];
    boolean[] up = new boolean[scored.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = scored.get(i).getDouble(0);
      up[i] = scored.get(i).getDouble(1) == 1.0;
    }
    PlattScaling platt = PlattScaling.fit(p, up);
    double[] calibrated = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      calibrated[i] = platt.apply(p[i]);
    }
    ObjectNode node = platt.toJson();
    node.put("fitted_on", "test split");
    node.put("test_brier_before", PlattScaling.brier(p, up));
    node.put("test_brier_after", PlattScaling.brier(calibrated, up));
    return node;
  }

  /** Per-symbol train/test windows and sizes. */
  private static List<Row> perSymbolWindows(Dataset<Row> split) {
    var isTrain = col(Samples.SPLIT).equalTo(Samples.TRAIN);
    var isTest = col(Samples.SPLIT).equalTo(Samples.TEST);
    return split
        .groupBy(SYMBOL)
        .agg(
            min(when(isTrain, col(AS_OF))).as("train_from"),
            max(when(isTrain, col(AS_OF))).as("train_to"),
            min(when(isTest, col(AS_OF))).as("test_from"),
            max(when(isTest, col(AS_OF))).as("test_to"),
            sum(when(isTrain, 1L).otherwise(0L)).as("n_train"),
            sum(when(col(Samples.SPLIT).equalTo(Samples.PURGED), 1L).otherwise(0L)).as("n_purged"),
            sum(when(isTest, 1L).otherwise(0L)).as("n_test"),
            sum(when(isTrain.and(col(Samples.LABEL).equalTo(1.0)), 1L).otherwise(0L))
                .as("n_train_up"))
        .orderBy(SYMBOL)
        .collectAsList();
  }

  private static ObjectNode importances(double[] values) {
    List<String> names = ForestPipeline.inputNames();
    ObjectNode node = ModelArtifacts.JSON.createObjectNode();
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
    for (int i : order) {
      node.put(names.get(i), values[i]);
    }
    return node;
  }

  private String fingerprint(Inputs inputs, Options options) {
    String text =
        String.join(
                "|",
                String.valueOf(options),
                inputs.data().asOf.toString(),
                String.valueOf(inputs.lookbackDays()),
                String.valueOf(inputs.data().tableVersions()),
                String.valueOf(config.randomForest()),
                String.valueOf(config.split().trainRatio()),
                String.valueOf(config.backtestDays()),
                String.valueOf(config.maxStaleness()),
                config.tablePath(""),
                BuildInfo.codeVersion())
            + (config.plattCalibration() ? "|platt" : "");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
