package dev.forecaster.forecast;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.features.AsOfPrices;
import dev.forecaster.features.Features;
import dev.forecaster.features.FeaturesJob;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.ForestScores;
import dev.forecaster.model.ModelData;
import dev.forecaster.model.PlattScaling;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.schema.Columns;
import dev.forecaster.spark.Lineage;
import dev.forecaster.util.Progress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Precomputes the forecasts of a set of as-ofs into the Delta table {@code forecasts}: for every
 * symbol with data, every configured horizon and lookback, the promoted model's forecast or the
 * naive baseline with the reason. Features come from the same transform as training. One MERGE
 * replaces exactly the rows of those as-ofs, so re-running a night (or backfilling a range) leaves
 * every other night as it was.
 */
public final class ForecastJob {
  private static final Logger LOG = LoggerFactory.getLogger(ForecastJob.class);

  private final SparkSession spark;
  private final ForecasterConfig config;
  private final Warehouse warehouse;

  /** Rows written, how many are naive, the models used, and the table version. */
  public record Result(
      String runId, long rows, long naiveRows, List<ModelChoice> choices, long version) {}

  public ForecastJob(SparkSession spark, ForecasterConfig config) {
    this.spark = spark;
    this.config = config;
    this.warehouse = new Warehouse(spark, config);
  }

  /**
   * @param asOfs sorted as-of instants
   */
  public Result run(List<Instant> asOfs) {
    return run(asOfs, java.util.Map.of());
  }

  /**
   * @param asOfs sorted as-of instants
   * @param writtenFeatures per lookback, the version of the features table into which a features
   *     run has just written the rows of these as-ofs from the same data (the nightly, a single
   *     writer): those rows are read instead of computed a second time
   */
  public Result run(List<Instant> asOfs, java.util.Map<Integer, Long> writtenFeatures) {
    Progress progress = new Progress(LOG);
    Instant now = Instant.now();
    String runId =
        "forecast-"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(now)
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    Instant first = asOfs.get(0);
    Instant last = asOfs.get(asOfs.size() - 1);
    long staleness = config.maxStaleness().toSeconds();
    int longest = config.lookbacksDays().stream().mapToInt(Integer::intValue).max().orElseThrow();
    ModelData data =
        ModelData.load(
            spark,
            config,
            warehouse,
            last,
            // The naive baseline reads P*(t - L·d), which may be a candle up to S older.
            first.minusSeconds(longest * 86_400L + staleness).minus(FeaturesJob.MAX_BAR));
    ModelArtifacts artifacts = new ModelArtifacts(spark, config.resolvedModelsRoot());
    ModelLoader loader = new ModelLoader(new ModelRegistry(spark, warehouse), artifacts, runId);
    List<ModelChoice> choices = new ArrayList<>();
    java.util.Map<Integer, PlattScaling> calibrations = new java.util.HashMap<>();
    for (int h : config.horizonsMinutes()) {
      ModelChoice choice = loader.choose(h);
      choices.add(choice);
      if (config.plattCalibration() && choice.hasModel()) {
        PlattScaling platt =
            PlattScaling.fromMetadata(artifacts.readMetadata(choice.entry().metadataUri()));
        if (platt == null) {
          LOG.warn("{} has no Platt scaling: its p_up is used as is", choice.entry().ref());
        } else {
          calibrations.put(h, platt);
        }
      }
    }
    Dataset<Row> candles = AsOfPrices.candles(data.prices);
    Column configured =
        config.symbols().isEmpty()
            ? lit(true)
            : col(Columns.SYMBOL).isin(config.symbols().toArray());
    candles =
        AsOfPrices.forQueriesAt(
            candles.filter(configured), AsOfPrices.dailyResidue(asOfs, config.horizonsMinutes()));
    Dataset<Row> grid = AsOfPrices.grid(candles, data.asOfFrame(asOfs));
    Dataset<Row> regimes =
        Regimes.compute(
            candles,
            grid,
            staleness,
            config.regime().upThreshold(),
            config.regime().downThreshold());
    Dataset<Row> all = null;
    List<Dataset<Row>> cachedFeatures = new ArrayList<>();
    for (int lookback : config.lookbacksDays()) {
      // A symbol gets rows at an as-of only when it has a candle in that as-of's lookback,
      // whatever else the run read: a backfilled range then writes exactly the rows of its nights
      // (a symbol listed during the range gets none before its first candle).
      Dataset<Row> features =
          (writtenFeatures.containsKey(lookback)
                  ? storedFeatures(asOfs, lookback, writtenFeatures.get(lookback))
                  : data.features(asOfs, lookback))
              .filter(configured.and(col(Columns.PRICE_N_POINTS).gt(0)))
              .cache();
      cachedFeatures.add(features);
      Dataset<Row> naive =
          NaiveBaseline.compute(candles, grid, config.horizonsMinutes(), lookback, staleness);
      for (ModelChoice choice : choices) {
        Dataset<Row> pUp =
            choice.hasModel() ? ForestScores.pUpInDriver(choice.model(), features) : null;
        PlattScaling platt = calibrations.get(choice.horizonMinutes());
        if (pUp != null && platt != null) {
          pUp = pUp.withColumn("p_up", platt.apply(pUp.col("p_up")));
        }
        Dataset<Row> rows =
            Forecasts.assemble(
                features,
                naive,
                regimes,
                choice.horizonMinutes(),
                lookback,
                choice,
                pUp,
                runId,
                now);
        all = all == null ? rows : all.unionByName(rows);
      }
    }
    Dataset<Row> forecasts = all.cache();
    long rows;
    long naiveRows;
    Warehouse.MergeCounts written;
    try {
      Row counts =
          forecasts
              .agg(
                  count(lit(1)),
                  count(when(col(Columns.MODEL_TYPE).equalTo(Columns.MODEL_TYPE_NAIVE), 1)))
              .first();
      rows = counts.getLong(0);
      naiveRows = counts.getLong(1);
      progress.step(
          "forecast: %d rows computed for %d as-ofs (%d naive)", rows, asOfs.size(), naiveRows);
      written = warehouse.replaceForecasts(Lineage.detached(forecasts), asOfs);
    } finally {
      // The session may live on (tests, the demo, nightly): free what this run cached.
      forecasts.unpersist();
      cachedFeatures.forEach(Dataset::unpersist);
    }
    progress.step(
        "forecast: MERGE inserted %d, updated %d (Delta version %d)",
        written.inserted(), written.updated(), written.version());
    return new Result(runId, rows, naiveRows, choices, written.version());
  }

  /** The rows of the as-ofs and lookback in a version of the features table, as computed. */
  private Dataset<Row> storedFeatures(List<Instant> asOfs, int lookback, long version) {
    return warehouse
        .readAsOfs(Tables.FEATURES, version, asOfs)
        .filter(col(Columns.LOOKBACK_DAYS).equalTo(lookback))
        .select(Features.columns());
  }
}
