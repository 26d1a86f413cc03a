package dev.forecaster.monitor;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.features.AsOfPrices;
import dev.forecaster.features.FeaturesJob;
import dev.forecaster.features.Labels;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.TrainingDistribution;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.schema.Schemas;
import dev.forecaster.util.Progress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitors the live forecasts at an as-of T: joins every forecast whose horizon has matured by T
 * with the realised label into {@code forecast_outcomes} (MERGE: a re-run adds nothing), computes
 * {@code monitoring_metrics} (rolling accuracy next to the backtest's, Brier, calibration, fallback
 * and ML failure rates, feature drift, data age) and the {@code alerts} that breach the configured
 * thresholds; both replace the rows of T, so re-running T leaves exactly its new rows.
 */
public final class MonitorJob {
  private static final Logger LOG = LoggerFactory.getLogger(MonitorJob.class);

  /** History events of a failed artifact load (see {@code forecast.ModelLoader}). */
  static final String LOAD_FAILURE_REASON = "artifact failed to load";

  private final SparkSession spark;
  private final ForecasterConfig config;
  private final Warehouse warehouse;

  /** One active alert. */
  public record Alert(
      String alert, Integer horizonMinutes, String model, String symbol, String message) {}

  /** What a run wrote. */
  public record Result(
      String runId,
      Instant asOf,
      long outcomesInserted,
      long outcomesUpdated,
      long maturedForecasts,
      long metricRows,
      List<Alert> alerts) {}

  public MonitorJob(SparkSession spark, ForecasterConfig config) {
    this.spark = spark;
    this.config = config;
    this.warehouse = new Warehouse(spark, config);
  }

  public Result run(Instant asOf) {
    Progress progress = new Progress(LOG);
    Instant now = Instant.now();
    String runId =
        "monitor-"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(now)
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    for (String table : List.of(Tables.PRICES, Tables.FORECASTS)) {
      if (!warehouse.exists(table)) {
        throw new ForecasterException(
            String.format(
                "no %s table at %s: the monitor scores stored forecasts against prices; run"
                    + " `forecaster %s` first (or pass the right --warehouse)",
                table,
                warehouse.path(table),
                table.equals(Tables.PRICES) ? "ingest --prices PATH" : "forecast --as-of T"));
      }
    }
    ForecasterConfig.Monitor settings = config.monitor();
    Dataset<Row> forecasts = warehouse.read(Tables.FORECASTS);
    if (warehouse.exists(Tables.FORECAST_OUTCOMES)) {
      // Outcomes written before unscorable outcomes existed: add the reason column first.
      warehouse.ensure(Tables.FORECAST_OUTCOMES, Schemas.FORECAST_OUTCOMES);
    }

    // 1. Outcomes of the forecasts matured by x, the latest candle close known at T (FORECASTING.md
    // section 3: nothing matures past the data), that have no final outcome yet.
    Dataset<Row> recentCandles = recentCandles(asOf).cache();
    Row latest = recentCandles.agg(max(col(AsOfPrices.CLOSE_TIME_S))).first();
    Instant dataThrough = latest.isNullAt(0) ? null : Instant.ofEpochSecond(latest.getLong(0));
    long inserted = 0;
    long updated = 0;
    long matured = 0;
    long due = 0;
    long unscorable = 0;
    if (dataThrough == null) {
      LOG.warn(
          "no candle closed in the {} days before {}: no forecast can mature",
          longestLookback(),
          asOf);
    } else {
      Dataset<Row> pending =
          Outcomes.pending(
                  forecasts,
                  warehouse.exists(Tables.FORECAST_OUTCOMES)
                      ? warehouse.read(Tables.FORECAST_OUTCOMES)
                      : null,
                  dataThrough,
                  dataThrough.minus(settings.unscorableRecheck()))
              .cache();
      Row span = pending.agg(min(col(AS_OF)), count(lit(1))).first();
      due = span.getLong(1);
      if (due > 0) {
        Instant first = span.getTimestamp(0).toInstant();
        long staleness = config.maxStaleness().toSeconds();
        Dataset<Row> prices = pricesKnownAt(first, asOf);
        Dataset<Row> rows =
            Outcomes.of(
                    pending,
                    labels(prices, pending, dataThrough),
                    latestCloses(prices),
                    staleness,
                    runId,
                    now)
                .cache();
        Row counts = rows.agg(count(lit(1)), count(col(UNSCORABLE_REASON))).first();
        matured = counts.getLong(0);
        unscorable = counts.getLong(1);
        Warehouse.MergeCounts written =
            warehouse.upsert(
                Tables.FORECAST_OUTCOMES,
                Schemas.FORECAST_OUTCOMES,
                rows,
                List.of(AS_OF, SYMBOL, HORIZON_MINUTES, LOOKBACK_DAYS));
        inserted = written.inserted();
        updated = written.updated();
        rows.unpersist();
      }
      pending.unpersist();
    }
    progress.step(
        "monitor: data through %s; %d forecasts due without a final outcome, %d now final"
            + " (%d unscorable): outcomes inserted %d, updated %d",
        dataThrough, due, matured, unscorable, inserted, updated);

    // 2. Metrics.
    Dataset<Row> made = MonitoringMetrics.madeWithin(forecasts, asOf, settings.usageWindow());
    Dataset<Row> drifting =
        MonitoringMetrics.madeWithin(forecasts, asOf, settings.driftWindow())
            .filter(col(MODEL_TYPE).equalTo(MODEL_TYPE_ML));
    Dataset<Row> recent = null;
    if (warehouse.exists(Tables.FORECAST_OUTCOMES)) {
      recent =
          MonitoringMetrics.recent(
                  warehouse.read(Tables.FORECAST_OUTCOMES), asOf, settings.windowForecasts())
              .cache();
    }
    ModelReferences references = modelReferences(recent, drifting);
    Dataset<Row> metrics =
        MonitoringMetrics.usage(made)
            .unionByName(MonitoringMetrics.failures(made, loadFailures()))
            .unionByName(Drift.psi(Drift.liveValues(drifting), references.bins()))
            .unionByName(MonitoringMetrics.dataAge(recentCandles, asOf))
            .unionByName(feedMetrics(asOf));
    if (warehouse.exists(Tables.FORECAST_OUTCOMES)) {
      metrics =
          metrics.unionByName(
              MonitoringMetrics.unscorableRate(
                  warehouse.read(Tables.FORECAST_OUTCOMES), asOf, settings.usageWindow()));
    }
    if (recent != null) {
      metrics =
          MonitoringMetrics.accuracy(recent, references.backtest())
              .unionByName(MonitoringMetrics.brier(recent))
              .unionByName(MonitoringMetrics.calibration(recent, settings.confidenceBins()))
              .unionByName(metrics);
    }
    // The metrics are a few rows per symbol: gathered once, they become a small table of their
    // own, so the alert rules and both writes plan a local relation instead of re-analysing the
    // union of a dozen queries over the tables at every step (seconds of driver time a night). One
    // partition: each write is one file.
    Dataset<Row> computed = MonitoringMetrics.stamp(metrics, asOf, runId, now);
    List<Row> metricList = computed.collectAsList();
    Dataset<Row> stamped = spark.createDataFrame(metricList, computed.schema()).coalesce(1);
    long metricRows = metricList.size();
    warehouse.replaceAsOf(Tables.MONITORING_METRICS, Schemas.MONITORING_METRICS, stamped, asOf);
    progress.step("monitor: %d metric rows for %s", metricRows, asOf);

    // 3. Alerts.
    Dataset<Row> alerts = Alerts.of(stamped, config.monitor().alerts()).cache();
    List<Alert> active = new ArrayList<>();
    for (Row r :
        alerts
            .orderBy(col(ALERT), col(HORIZON_MINUTES), col(MODEL_NAME), col(SYMBOL), col(DIMENSION))
            .collectAsList()) {
      String name = r.getAs(MODEL_NAME);
      String version = r.getAs(MODEL_VERSION);
      active.add(
          new Alert(
              r.getAs(ALERT),
              r.getAs(HORIZON_MINUTES),
              name == null ? null : version == null ? name : name + ":" + version,
              r.getAs(SYMBOL),
              r.getAs(MESSAGE)));
    }
    warehouse.replaceAsOf(Tables.ALERTS, Schemas.ALERTS, alerts, asOf);
    alerts.unpersist();
    if (recent != null) {
      recent.unpersist();
    }
    recentCandles.unpersist();
    progress.step("monitor: %d active alerts", active.size());
    return new Result(runId, asOf, inserted, updated, matured, metricRows, active);
  }

  /** Candles that had closed by T, from the staleness window before {@code first} on. */
  private Dataset<Row> pricesKnownAt(Instant first, Instant asOf) {
    long staleness = config.maxStaleness().toSeconds();
    return knownAt(
        warehouse.pricesBetween(
            first.minusSeconds(staleness).minus(FeaturesJob.MAX_BAR), asOf.plusSeconds(1)),
        asOf);
  }

  /** Labels (FORECASTING.md section 3) of the pending forecasts, matured at x. */
  private Dataset<Row> labels(Dataset<Row> prices, Dataset<Row> pending, Instant dataThrough) {
    List<Integer> horizons = new ArrayList<>();
    for (Row r : pending.select(HORIZON_MINUTES).distinct().collectAsList()) {
      horizons.add(r.getInt(0));
    }
    Dataset<Row> asOfs = pending.select(AS_OF).distinct();
    return Labels.compute(prices, asOfs, horizons, config.maxStaleness().toSeconds(), dataThrough);
  }

  /** (symbol, latest candle close in epoch seconds) of the given candles. */
  private static Dataset<Row> latestCloses(Dataset<Row> prices) {
    return AsOfPrices.candles(prices)
        .groupBy(SYMBOL)
        .agg(max(col(AsOfPrices.CLOSE_TIME_S)).as(Outcomes.LATEST_CLOSE_S));
  }

  private int longestLookback() {
    return config.lookbacksDays().stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  /** Candles that had closed by T, of the longest lookback before it. */
  private Dataset<Row> recentCandles(Instant asOf) {
    Instant from = asOf.minus(Duration.ofDays(longestLookback())).minus(FeaturesJob.MAX_BAR);
    return AsOfPrices.candles(knownAt(warehouse.pricesBetween(from, asOf.plusSeconds(1)), asOf));
  }

  /**
   * Feed health at T: hours since each symbol last received a new or corrected candle (by
   * ingested_at, among the rows ingested by T), and the share of the landing rows ingested in (T -
   * 1 day, T] that went to quarantine, per table (from the ingest ledger).
   */
  private Dataset<Row> feedMetrics(Instant asOf) {
    int longest = longestLookback();
    Dataset<Row> silence =
        MonitoringMetrics.feedSilence(
            warehouse.pricesBetween(
                asOf.minus(Duration.ofDays(longest)).minus(FeaturesJob.MAX_BAR),
                asOf.plusSeconds(1)),
            asOf);
    if (!warehouse.exists(Tables.INGESTED_FILES)) {
      return silence;
    }
    return silence.unionByName(
        MonitoringMetrics.quarantineShare(
            warehouse.read(Tables.INGESTED_FILES), asOf, Duration.ofDays(1)));
  }

  private static Dataset<Row> knownAt(Dataset<Row> prices, Instant asOf) {
    return prices.filter(
        unix_seconds(col(OPEN_TIME)).plus(col(BAR_SECONDS)).leq(asOf.getEpochSecond()));
  }

  /** (horizon_minutes, model_name, version, run_id) of every failed load the registry recorded. */
  private Dataset<Row> loadFailures() {
    StructType schema =
        new StructType()
            .add(HORIZON_MINUTES, DataTypes.IntegerType)
            .add(MODEL_NAME, DataTypes.StringType)
            .add("version", DataTypes.StringType)
            .add(RUN_ID, DataTypes.StringType);
    if (!warehouse.exists(Tables.MODEL_REGISTRY_HISTORY)) {
      return spark.createDataFrame(List.of(), schema);
    }
    return warehouse
        .read(Tables.MODEL_REGISTRY_HISTORY)
        .filter(
            col("from_status")
                .eqNullSafe(col("to_status"))
                .and(col("reason").startsWith(LOAD_FAILURE_REASON)))
        .select(HORIZON_MINUTES, MODEL_NAME, "version", RUN_ID);
  }

  /** What the metadata of the monitored model versions says: backtest accuracy, training bins. */
  record ModelReferences(Dataset<Row> backtest, Dataset<Row> bins) {}

  static final StructType BACKTEST_REFERENCE =
      new StructType()
          .add(MODEL_NAME, DataTypes.StringType)
          .add(MODEL_VERSION, DataTypes.StringType)
          .add(SYMBOL, DataTypes.StringType)
          .add(REFERENCE, DataTypes.DoubleType);

  static final StructType TRAINING_BINS =
      new StructType()
          .add(MODEL_NAME, DataTypes.StringType)
          .add(MODEL_VERSION, DataTypes.StringType)
          .add(Drift.FEATURE, DataTypes.StringType)
          .add(Drift.BIN, DataTypes.IntegerType)
          .add(Drift.LOWER, DataTypes.DoubleType)
          .add(Drift.UPPER, DataTypes.DoubleType)
          .add(Drift.EXPECTED, DataTypes.DoubleType);

  private ModelReferences modelReferences(Dataset<Row> recent, Dataset<Row> drifting) {
    Dataset<Row> versions = drifting.select(MODEL_NAME, MODEL_VERSION);
    if (recent != null) {
      versions =
          versions.union(
              recent
                  .filter(col(MODEL_TYPE).equalTo(MODEL_TYPE_ML))
                  .select(MODEL_NAME, MODEL_VERSION));
    }
    ModelRegistry registry = new ModelRegistry(spark, warehouse);
    Map<String, RegistryEntry> registered = new java.util.HashMap<>();
    registry.all().forEach(e -> registered.put(e.ref(), e));
    ModelArtifacts artifacts = new ModelArtifacts(spark, config.resolvedModelsRoot());
    List<Row> backtest = new ArrayList<>();
    List<Row> bins = new ArrayList<>();
    for (Row v : versions.distinct().collectAsList()) {
      String name = v.getString(0);
      String version = v.getString(1);
      RegistryEntry entry = registered.get(name + ":" + version);
      if (entry == null) {
        LOG.warn("{}:{} is not in the registry: no backtest reference or drift", name, version);
        continue;
      }
      ObjectNode metadata;
      try {
        metadata = artifacts.readMetadata(entry.metadataUri());
      } catch (RuntimeException e) {
        LOG.warn("cannot read the metadata of {}: {}", entry.ref(), e.getMessage());
        continue;
      }
      JsonNode node = metadata.path("backtest");
      JsonNode overall = node.path("overall").path("ml_accuracy");
      if (overall.isNumber()) {
        backtest.add(RowFactory.create(name, version, null, overall.asDouble()));
      }
      Iterator<Map.Entry<String, JsonNode>> symbols = node.path("per_symbol").fields();
      while (symbols.hasNext()) {
        Map.Entry<String, JsonNode> s = symbols.next();
        JsonNode accuracy = s.getValue().path("ml_accuracy");
        if (accuracy.isNumber()) {
          backtest.add(RowFactory.create(name, version, s.getKey(), accuracy.asDouble()));
        }
      }
      List<TrainingDistribution.Bin> training = TrainingDistribution.bins(metadata);
      if (training.isEmpty()) {
        LOG.warn("{} has no training distribution in its metadata: no drift measured", entry.ref());
      }
      for (TrainingDistribution.Bin b : training) {
        bins.add(
            RowFactory.create(
                name, version, b.feature(), b.bin(), b.lower(), b.upper(), b.share()));
      }
    }
    return new ModelReferences(
        spark.createDataFrame(backtest, BACKTEST_REFERENCE),
        spark.createDataFrame(bins, TRAINING_BINS));
  }
}
