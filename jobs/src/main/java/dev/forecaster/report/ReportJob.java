package dev.forecaster.report;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.backtest.BacktestPredictions;
import dev.forecaster.backtest.Reliability;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.io.ReportFiles;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.ForestScores;
import dev.forecaster.model.Horizons;
import dev.forecaster.monitor.MonitoringMetrics;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.RegistryEntry;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Writes the HTML reports under {@code <warehouse>/reports/}: {@code backtest/<model>_<version>/}
 * from the backtest tables and the model's metadata, and {@code monitor/<as-of>/} from the
 * monitoring tables. Reads through {@link Warehouse}, draws with {@link Charts}, writes with {@link
 * ReportFiles}.
 */
public final class ReportJob {
  private static final DateTimeFormatter FOLDER =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** Days of rolling accuracy drawn in the monitor report. */
  static final int ROLLING_DAYS = 180;

  private final SparkSession spark;
  private final ForecasterConfig config;
  private final Warehouse warehouse;

  public ReportJob(SparkSession spark, ForecasterConfig config) {
    this.spark = spark;
    this.config = config;
    this.warehouse = new Warehouse(spark, config);
  }

  /** The report of the model version's latest backtest; returns the page's URI. */
  public String backtest(String ref) {
    RegistryEntry entry = new ModelRegistry(spark, warehouse).resolve(ref);
    Dataset<Row> all =
        warehouse.exists(Tables.BACKTEST_PREDICTIONS)
            ? warehouse
                .read(Tables.BACKTEST_PREDICTIONS)
                .filter(
                    col(MODEL_NAME)
                        .equalTo(entry.modelName())
                        .and(col(MODEL_VERSION).equalTo(entry.version())))
            : null;
    Row end = all == null ? null : all.agg(max(col("window_end"))).first();
    if (end == null || end.isNullAt(0)) {
      throw new ForecasterException(
          "no backtest of "
              + entry.ref()
              + " in "
              + warehouse.path(Tables.BACKTEST_PREDICTIONS)
              + "; run `forecaster backtest --model "
              + entry.ref()
              + "` first");
    }
    Timestamp windowEnd = end.getTimestamp(0);
    Dataset<Row> predictions = all.filter(col("window_end").equalTo(windowEnd)).cache();
    Dataset<Row> included = predictions.filter(col(BacktestPredictions.INCLUDED));
    Column actualUp = col(BacktestPredictions.ACTUAL_DIRECTION).equalTo(UP);

    List<BacktestPage.Line> lines = new ArrayList<>();
    for (Row r :
        warehouse
            .read(Tables.BACKTEST_SUMMARY)
            .filter(
                col(MODEL_NAME)
                    .equalTo(entry.modelName())
                    .and(col(MODEL_VERSION).equalTo(entry.version()))
                    .and(col("window_end").equalTo(windowEnd)))
            .orderBy(col(SYMBOL).asc_nulls_last())
            .collectAsList()) {
      lines.add(
          new BacktestPage.Line(
              r.getAs(SYMBOL),
              r.<Long>getAs("n"),
              r.<Long>getAs("n_missing"),
              r.getAs("ml_accuracy"),
              r.getAs("naive_accuracy"),
              r.getAs("wilson_low"),
              r.getAs("wilson_high"),
              r.<Double>getAs("binomial_p"),
              r.<Double>getAs("mcnemar_p"),
              r.getAs("brier"),
              optionalDouble(r, "hac_p"),
              optionalDouble(r, "hac_p_vs_half")));
    }

    List<Charts.Point> cumulativeMl = new ArrayList<>();
    List<Charts.Point> cumulativeNaive = new ArrayList<>();
    long n = 0;
    long ml = 0;
    long naive = 0;
    for (Row r :
        included
            .groupBy(AS_OF)
            .agg(
                count(lit(1)),
                sum(when(col(BacktestPredictions.ML_CORRECT), 1L).otherwise(0L)),
                sum(when(col(BacktestPredictions.NAIVE_CORRECT), 1L).otherwise(0L)))
            .orderBy(AS_OF)
            .collectAsList()) {
      n += r.getLong(1);
      ml += r.getLong(2);
      naive += r.getLong(3);
      Instant at = r.getTimestamp(0).toInstant();
      cumulativeMl.add(new Charts.Point(at, (double) ml / n));
      cumulativeNaive.add(new Charts.Point(at, (double) naive / n));
    }

    int bins = 10;
    List<Charts.ReliabilityPoint> reliability =
        points(Reliability.collect(Reliability.bins(included, col(P_UP), actualUp, bins), bins));

    Column predictedUp = col(ForestScores.ML_DIRECTION).equalTo(UP);
    Row c =
        included
            .agg(
                sum(when(predictedUp.and(actualUp), 1L).otherwise(0L)),
                sum(when(not(predictedUp).and(actualUp), 1L).otherwise(0L)),
                sum(when(predictedUp.and(not(actualUp)), 1L).otherwise(0L)),
                sum(when(not(predictedUp).and(not(actualUp)), 1L).otherwise(0L)))
            .first();
    BacktestPage.Confusion confusion =
        new BacktestPage.Confusion(
            c.isNullAt(0) ? 0 : c.getLong(0),
            c.isNullAt(1) ? 0 : c.getLong(1),
            c.isNullAt(2) ? 0 : c.getLong(2),
            c.isNullAt(3) ? 0 : c.getLong(3));
    predictions.unpersist();

    ObjectNode metadata =
        new ModelArtifacts(spark, config.resolvedModelsRoot()).readMetadata(entry.metadataUri());
    Map<String, Double> importances = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = metadata.path("feature_importances").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      importances.put(e.getKey(), e.getValue().asDouble());
    }
    JsonNode calibrationNode = metadata.path("backtest").path("calibration");
    BacktestPage.Calibration calibration =
        calibrationNode.isObject()
            ? new BacktestPage.Calibration(
                calibrationNode.path("brier_before").asDouble(),
                calibrationNode.path("brier_after").asDouble(),
                points(calibrationNode.path("reliability_before")),
                points(calibrationNode.path("reliability_after")))
            : null;
    List<String> failures = new ArrayList<>();
    metadata.path("gate").path("failures").forEach(f -> failures.add(f.asText()));
    JsonNode window = metadata.path("backtest");
    BacktestPage.Data data =
        new BacktestPage.Data(
            entry.ref(),
            entry.horizonMinutes(),
            window.hasNonNull("window_start")
                ? Instant.parse(window.get("window_start").asText())
                : null,
            windowEnd.toInstant(),
            lines,
            cumulativeMl,
            cumulativeNaive,
            reliability,
            calibration,
            confusion,
            importances,
            metadata.path("gate").path("outcome").asText("-"),
            failures,
            entry.status());
    HtmlPage.Rendered page = BacktestPage.render(data);
    return new ReportFiles(spark.sparkContext().hadoopConfiguration())
        .write(
            config.tablePath("reports/backtest/" + entry.modelName() + "_" + entry.version()),
            page.html(),
            page.images());
  }

  /** The report of the monitor run of an as-of; returns the page's URI. */
  public String monitor(Instant asOf) {
    Timestamp t = Timestamp.from(asOf);
    Dataset<Row> metricRows =
        warehouse.exists(Tables.MONITORING_METRICS)
            ? warehouse.read(Tables.MONITORING_METRICS).filter(col(AS_OF).equalTo(t)).cache()
            : null;
    if (metricRows == null || metricRows.isEmpty()) {
      throw new ForecasterException(
          "no monitoring metrics at "
              + asOf
              + " in "
              + warehouse.path(Tables.MONITORING_METRICS)
              + "; run `forecaster monitor --as-of "
              + asOf
              + "` first");
    }
    List<MonitorPage.Metric> metrics = new ArrayList<>();
    Map<String, Map<String, Double>> drift = new TreeMap<>();
    Map<String, List<Charts.ReliabilityPoint>> calibration = new TreeMap<>();
    for (Row r :
        metricRows
            .orderBy(
                col(METRIC),
                col(HORIZON_MINUTES).asc_nulls_first(),
                col(MODEL_NAME).asc_nulls_first(),
                col(MODEL_VERSION).asc_nulls_first(),
                col(SYMBOL).asc_nulls_first(),
                col(DIMENSION).asc_nulls_first())
            .collectAsList()) {
      String model = model(r.getAs(MODEL_NAME), r.getAs(MODEL_VERSION));
      MonitorPage.Metric m =
          new MonitorPage.Metric(
              r.getAs(METRIC),
              r.getAs(HORIZON_MINUTES),
              model,
              r.getAs(SYMBOL),
              r.getAs(DIMENSION),
              r.getAs(VALUE),
              r.getAs(N),
              r.getAs(REFERENCE));
      metrics.add(m);
      if (m.metric().equals(MonitoringMetrics.DRIFT_PSI) && m.value() != null) {
        drift
            .computeIfAbsent(
                Horizons.label(m.horizonMinutes()) + " " + model, k -> new LinkedHashMap<>())
            .put(m.dimension(), m.value());
      }
      if (m.metric().equals(MonitoringMetrics.CALIBRATION) && m.symbol() == null) {
        calibration
            .computeIfAbsent(
                Horizons.label(m.horizonMinutes()) + " " + model, k -> new ArrayList<>())
            .add(new Charts.ReliabilityPoint(m.reference(), m.value(), m.n()));
      }
    }
    metricRows.unpersist();
    List<MonitorPage.Alert> alerts = new ArrayList<>();
    if (warehouse.exists(Tables.ALERTS)) {
      for (Row r :
          warehouse
              .read(Tables.ALERTS)
              .filter(col(AS_OF).equalTo(t))
              .orderBy(ALERT, MESSAGE)
              .collectAsList()) {
        alerts.add(new MonitorPage.Alert(r.getAs(ALERT), r.getAs(MESSAGE)));
      }
    }
    MonitorPage.Data data =
        new MonitorPage.Data(
            asOf,
            alerts,
            metrics,
            rollingAccuracy(asOf),
            drift,
            config.monitor().alerts().maxDriftPsi(),
            calibration);
    HtmlPage.Rendered page = MonitorPage.render(data);
    return new ReportFiles(spark.sparkContext().hadoopConfiguration())
        .write(
            config.tablePath("reports/monitor/" + FOLDER.format(asOf)), page.html(), page.images());
  }

  /**
   * Per (horizon, model version), over all symbols: the accuracy of the last N matured forecasts
   * after each as-of of the last {@link #ROLLING_DAYS} days (N = monitor.window-forecasts).
   */
  private Map<String, List<Charts.Point>> rollingAccuracy(Instant asOf) {
    Map<String, List<Charts.Point>> series = new TreeMap<>();
    if (!warehouse.exists(Tables.FORECAST_OUTCOMES)) {
      return series;
    }
    int window = config.monitor().windowForecasts();
    var group =
        Window.partitionBy(HORIZON_MINUTES, MODEL_NAME, MODEL_VERSION)
            .orderBy(col(AS_OF), col(SYMBOL), col(LOOKBACK_DAYS));
    Dataset<Row> rolling =
        warehouse
            .read(Tables.FORECAST_OUTCOMES)
            .filter(
                col(MATURED_AT)
                    .leq(Timestamp.from(asOf))
                    .and(col(CORRECT).isNotNull())
                    .and(
                        col(AS_OF)
                            .gt(
                                Timestamp.from(
                                    asOf.minus(java.time.Duration.ofDays(ROLLING_DAYS))))))
            .withColumn("_rank", row_number().over(group))
            .withColumn(
                "_rolling",
                avg(when(col(CORRECT), 1.0).otherwise(0.0))
                    .over(group.rowsBetween(-(window - 1), 0)))
            .groupBy(HORIZON_MINUTES, MODEL_NAME, MODEL_VERSION, AS_OF)
            .agg(max_by(col("_rolling"), col("_rank")).as("_rolling"))
            .orderBy(HORIZON_MINUTES, MODEL_NAME, MODEL_VERSION, AS_OF);
    for (Row r : rolling.collectAsList()) {
      String name = Horizons.label(r.getInt(0)) + " " + model(r.getString(1), r.getString(2));
      series
          .computeIfAbsent(name, k -> new ArrayList<>())
          .add(new Charts.Point(r.getTimestamp(3).toInstant(), r.getDouble(4)));
    }
    return series;
  }

  private static String model(String name, String version) {
    return name == null ? "all models" : version == null ? name : name + ":" + version;
  }

  private static List<Charts.ReliabilityPoint> points(List<Reliability.Bin> bins) {
    return bins.stream()
        .map(b -> new Charts.ReliabilityPoint(b.meanPredicted(), b.observed(), b.n()))
        .toList();
  }

  private static List<Charts.ReliabilityPoint> points(JsonNode bins) {
    List<Charts.ReliabilityPoint> out = new ArrayList<>();
    bins.forEach(
        b ->
            out.add(
                new Charts.ReliabilityPoint(
                    b.path("mean_predicted").asDouble(),
                    b.path("observed").asDouble(),
                    b.path("n").asLong())));
    return out;
  }

  /** The report of a walk-forward run; returns the page's URI. */
  public String walkForward(String runId) {
    if (!warehouse.exists(Tables.WALKFORWARD_RUNS)) {
      throw new ForecasterException(
          "no walk-forward has run on "
              + config.tablePath("")
              + "; run `forecaster walkforward --from DATE --to DATE --run-id "
              + runId
              + "` first");
    }
    List<Row> runs =
        warehouse
            .read(Tables.WALKFORWARD_RUNS)
            .filter(col(RUN_ID).equalTo(runId))
            .orderBy(HORIZON_MINUTES, dev.forecaster.walkforward.Schedule.RETRAIN_DATE)
            .collectAsList();
    if (runs.isEmpty()) {
      List<String> known =
          warehouse
              .read(Tables.WALKFORWARD_RUNS)
              .select(RUN_ID)
              .distinct()
              .as(org.apache.spark.sql.Encoders.STRING())
              .collectAsList();
      throw new ForecasterException(
          "no walk-forward run "
              + runId
              + " in "
              + warehouse.path(Tables.WALKFORWARD_RUNS)
              + "; runs there: "
              + known);
    }
    Dataset<Row> predictions =
        warehouse.read(Tables.WALKFORWARD_PREDICTIONS).filter(col(RUN_ID).equalTo(runId));
    List<WalkForwardPage.Horizon> horizons = new ArrayList<>();
    java.util.TreeSet<Integer> hs = new java.util.TreeSet<>();
    runs.forEach(r -> hs.add(r.<Integer>getAs(HORIZON_MINUTES)));
    for (int h : hs) {
      List<Row> rows =
          predictions.filter(col(HORIZON_MINUTES).equalTo(h)).orderBy(AS_OF).collectAsList();
      List<dev.forecaster.walkforward.WalkForwardSummary.Pair> pairs = new ArrayList<>();
      rows.forEach(r -> pairs.add(dev.forecaster.walkforward.WalkForwardPredictions.toPair(r)));
      List<dev.forecaster.walkforward.WalkForwardSummary.RetrainOutcome> outcomes =
          new ArrayList<>();
      List<Instant> promotions = new ArrayList<>();
      for (Row r : runs) {
        if (r.<Integer>getAs(HORIZON_MINUTES) == h) {
          Instant at =
              r.<Timestamp>getAs(dev.forecaster.walkforward.Schedule.RETRAIN_DATE).toInstant();
          boolean promoted = r.<Boolean>getAs("promoted");
          outcomes.add(
              new dev.forecaster.walkforward.WalkForwardSummary.RetrainOutcome(at, promoted));
          if (promoted) {
            promotions.add(at);
          }
        }
      }
      List<Charts.Point> served = new ArrayList<>();
      List<Charts.Point> candidate = new ArrayList<>();
      List<Charts.Point> naive = new ArrayList<>();
      Map<String, long[]> byMonth = new TreeMap<>();
      long n = 0, s = 0, c = 0, v = 0;
      for (int i = 0; i < pairs.size(); i++) {
        var p = pairs.get(i);
        n++;
        s += p.servedCorrect() ? 1 : 0;
        c += p.candidateCorrect() ? 1 : 0;
        v += p.naiveCorrect() ? 1 : 0;
        Instant at = Instant.ofEpochSecond(p.asOfSeconds());
        long[] m = byMonth.computeIfAbsent(at.toString().substring(0, 7), k -> new long[2]);
        m[0] += p.servedByMl() ? 1 : 0;
        m[1]++;
        if (i + 1 == pairs.size() || pairs.get(i + 1).asOfSeconds() != p.asOfSeconds()) {
          served.add(new Charts.Point(at, (double) s / n));
          candidate.add(new Charts.Point(at, (double) c / n));
          naive.add(new Charts.Point(at, (double) v / n));
        }
      }
      Map<String, Double> share = new LinkedHashMap<>();
      byMonth.forEach((k, m) -> share.put(k, (double) m[0] / m[1]));
      horizons.add(
          new WalkForwardPage.Horizon(
              h,
              dev.forecaster.walkforward.WalkForwardSummary.lines(pairs, h, outcomes),
              served,
              candidate,
              naive,
              promotions,
              share));
    }
    Row first = runs.get(0);
    HtmlPage.Rendered page =
        WalkForwardPage.render(
            new WalkForwardPage.Data(
                runId,
                first.<Timestamp>getAs("span_from").toInstant(),
                first.<Timestamp>getAs("span_to").toInstant(),
                horizons));
    return new ReportFiles(spark.sparkContext().hadoopConfiguration())
        .write(config.tablePath("reports/walkforward/" + runId), page.html(), page.images());
  }

  /** A column a table written before it existed lacks: null then. */
  private static Double optionalDouble(Row r, String column) {
    java.util.List<String> names = java.util.List.of(r.schema().fieldNames());
    return names.contains(column) ? r.getAs(column) : null;
  }
}
