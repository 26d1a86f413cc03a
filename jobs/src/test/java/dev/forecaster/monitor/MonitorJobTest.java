package dev.forecaster.monitor;

import static dev.forecaster.monitor.MonitoredWarehouse.H1;
import static dev.forecaster.monitor.MonitoredWarehouse.H7;
import static dev.forecaster.monitor.MonitoredWarehouse.T;
import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.TestSpark;
import dev.forecaster.cli.ForecasterCli;
import dev.forecaster.io.Tables;
import dev.forecaster.model.ForestScores;
import dev.forecaster.model.PlattScaling;
import dev.forecaster.registry.ModelArtifacts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link MonitorJob} on the {@link MonitoredWarehouse}, monitored at T = 2025-01-17. */
class MonitorJobTest {
  static MonitoredWarehouse w;
  static SparkSession spark;
  static MonitorJob.Result first;

  @BeforeAll
  static void monitor() {
    w = MonitoredWarehouse.get();
    spark = TestSpark.session();
    first = w.monitored;
  }

  /** The outcomes known at T. */
  static Dataset<Row> outcomes() {
    return w.warehouse()
        .read(Tables.FORECAST_OUTCOMES)
        .filter(col(MATURED_AT).leq(Timestamp.from(T)));
  }

  static Dataset<Row> metricsAt(Instant t) {
    return w.warehouse()
        .read(Tables.MONITORING_METRICS)
        .filter(col(AS_OF).equalTo(Timestamp.from(t)));
  }

  static Row metric(String metric, Integer h, String version, String symbol, String dimension) {
    List<Row> rows =
        metricsAt(T)
            .filter(
                col(METRIC)
                    .equalTo(metric)
                    .and(col(HORIZON_MINUTES).eqNullSafe(h))
                    .and(col(MODEL_VERSION).eqNullSafe(version))
                    .and(col(SYMBOL).eqNullSafe(symbol))
                    .and(col(DIMENSION).eqNullSafe(dimension)))
            .collectAsList();
    assertEquals(1, rows.size(), metric + " " + h + " " + version + " " + symbol + " " + dimension);
    return rows.get(0);
  }

  /** Close time (epoch seconds) -> close of every candle of a symbol. */
  static TreeMap<Long, Double> closes(String symbol) {
    TreeMap<Long, Double> out = new TreeMap<>();
    for (Row r :
        w.warehouse()
            .read(Tables.PRICES)
            .filter(col(SYMBOL).equalTo(symbol))
            .select(OPEN_TIME, BAR_SECONDS, CLOSE)
            .collectAsList()) {
      out.put(r.getTimestamp(0).toInstant().getEpochSecond() + r.getLong(1), r.getDouble(2));
    }
    return out;
  }

  @Test
  void everyMaturedForecastHasOneOutcomeWithTheRealisedLabel() {
    // 7-day forecasts of 2024-12-15 .. 2025-01-10 (27 nights) and 1-day ones of .. 01-16 (33),
    // for 2 symbols.
    long expected = 2 * (27 + 33);
    assertEquals(expected, first.maturedForecasts());
    assertEquals(expected, first.outcomesInserted());
    assertEquals(expected, outcomes().count());
    assertEquals(
        0,
        outcomes()
            .filter(col(CORRECT).notEqual(col(DIRECTION).equalTo(col(REALISED_DIRECTION))))
            .count());
    // BTC-USD, 7 days from 2025-01-10: P*(01-17) / P*(01-10) - 1, each the close of the candle
    // that closed at that instant (daily candles, none missing).
    TreeMap<Long, Double> btc = closes("BTC-USD");
    long t0 = Instant.parse("2025-01-10T00:00:00Z").getEpochSecond();
    double realised = btc.get(t0 + 7 * 86_400L) / btc.get(t0) - 1;
    Row row =
        outcomes()
            .filter(
                col(SYMBOL)
                    .equalTo("BTC-USD")
                    .and(col(HORIZON_MINUTES).equalTo(H7))
                    .and(col(AS_OF).equalTo(Timestamp.from(Instant.ofEpochSecond(t0)))))
            .first();
    assertEquals(realised, row.<Double>getAs(REALISED_RETURN), 1e-12);
    assertEquals(realised > 0 ? UP : DOWN, row.getAs(REALISED_DIRECTION));
    assertEquals(MODEL_TYPE_ML, row.getAs(MODEL_TYPE));
    assertEquals(w.forecasts.runId(), row.getAs(FORECAST_RUN_ID));
  }

  @Test
  void rollingAccuracyOfTheLast20NextToTheBacktest() {
    List<Row> ml =
        new ArrayList<>(outcomes().filter(col(HORIZON_MINUTES).equalTo(H7)).collectAsList());
    ml.sort(
        Comparator.comparing((Row r) -> r.<Timestamp>getAs(AS_OF))
            .reversed()
            .thenComparing(r -> r.<String>getAs(SYMBOL)));
    long right = ml.subList(0, 20).stream().filter(r -> r.<Boolean>getAs(CORRECT)).count();
    Row overall = metric(MonitoringMetrics.ROLLING_ACCURACY, H7, "v1", null, null);
    assertEquals(right / 20.0, overall.<Double>getAs(VALUE), 1e-12);
    assertEquals(20L, overall.<Long>getAs(N));
    assertEquals(w.backtest.overall().mlAccuracy(), overall.<Double>getAs(REFERENCE), 1e-12);
    Row btc = metric(MonitoringMetrics.ROLLING_ACCURACY, H7, "v1", "BTC-USD", null);
    assertEquals(20L, btc.<Long>getAs(N));
    assertEquals(
        w.backtest.bySymbol().stream()
            .filter(l -> l.symbol().equals("BTC-USD"))
            .findFirst()
            .orElseThrow()
            .mlAccuracy(),
        btc.<Double>getAs(REFERENCE),
        1e-12);
    assertNotNull(metric(MonitoringMetrics.BRIER, H7, "v1", null, null).getAs(VALUE));
  }

  @Test
  void usageFailuresAndDriftOfTheForecastsMadeInTheWindows() {
    // (01-10, 01-17]: 7 nights x 2 symbols; no promoted 1-day model, so every 1-day row is naive.
    Row naive1d = metric(MonitoringMetrics.FALLBACK_RATE, H1, null, null, null);
    assertEquals(1.0, naive1d.<Double>getAs(VALUE), 0.0);
    assertEquals(14L, naive1d.<Long>getAs(N));
    assertEquals(
        0.0,
        metric(MonitoringMetrics.FALLBACK_RATE, H7, null, null, null).<Double>getAs(VALUE),
        0.0);
    Row failures = metric(MonitoringMetrics.ML_FAILURE_RATE, H7, null, null, null);
    assertEquals(0.0, failures.<Double>getAs(VALUE), 0.0);
    assertEquals(14L, failures.<Long>getAs(N));
    // Drift over (2024-12-18, 01-17]: 30 nights x 2 symbols, one PSI per feature.
    Set<String> drifted = new TreeSet<>();
    for (Row r :
        metricsAt(T).filter(col(METRIC).equalTo(MonitoringMetrics.DRIFT_PSI)).collectAsList()) {
      drifted.add(r.getAs(DIMENSION));
      assertEquals(60L, r.<Long>getAs(N));
      assertTrue(r.<Double>getAs(VALUE) >= 0);
    }
    assertEquals(new TreeSet<>(FEATURES), drifted);
    // The latest candle closed at T.
    assertEquals(
        0.0,
        metric(MonitoringMetrics.DATA_AGE_HOURS, null, null, "BTC-USD", null).<Double>getAs(VALUE),
        0.0);
  }

  @Test
  void alertsAreStoredAndReturned() {
    Set<String> alerts = new TreeSet<>();
    first.alerts().forEach(a -> alerts.add(a.alert() + "/" + a.horizonMinutes()));
    assertTrue(alerts.contains(Alerts.FALLBACK_RATE_HIGH + "/" + H1), alerts.toString());
    assertFalse(alerts.contains(Alerts.FALLBACK_RATE_HIGH + "/" + H7));
    assertFalse(alerts.stream().anyMatch(a -> a.startsWith(Alerts.DATA_STALE)));
    double accuracy = metric(MonitoringMetrics.ROLLING_ACCURACY, H7, "v1", null, null).getAs(VALUE);
    assertEquals(
        accuracy < 0.7, alerts.contains(Alerts.ACCURACY_LOW + "/" + H7), "accuracy " + accuracy);
    assertEquals(
        first.alerts().size(),
        w.warehouse().read(Tables.ALERTS).filter(col(AS_OF).equalTo(Timestamp.from(T))).count());
  }

  @Test
  void reRunningAnAsOfChangesNothing() {
    Dataset<Row> outcomesBefore =
        w.warehouse()
            .readAt(
                Tables.FORECAST_OUTCOMES, w.warehouse().currentVersion(Tables.FORECAST_OUTCOMES));
    Dataset<Row> metricsBefore =
        w.warehouse()
            .readAt(
                Tables.MONITORING_METRICS, w.warehouse().currentVersion(Tables.MONITORING_METRICS))
            .filter(col(AS_OF).equalTo(Timestamp.from(T)))
            .drop(RUN_ID, CREATED_AT);
    Dataset<Row> alertsBefore =
        w.warehouse()
            .readAt(Tables.ALERTS, w.warehouse().currentVersion(Tables.ALERTS))
            .filter(col(AS_OF).equalTo(Timestamp.from(T)))
            .drop(RUN_ID, CREATED_AT);
    MonitorJob.Result again = new MonitorJob(spark, w.config).run(T);
    assertEquals(0, again.maturedForecasts());
    assertEquals(first.alerts(), again.alerts());
    TestSpark.assertSameRows(outcomesBefore, w.warehouse().read(Tables.FORECAST_OUTCOMES));
    // Sums over bins may add in another order on a re-run: compare to 1e-9, not to the last bit.
    TestSpark.assertSameRows(
        roundDoubles(metricsBefore), roundDoubles(metricsAt(T).drop(RUN_ID, CREATED_AT)));
    TestSpark.assertSameRows(
        alertsBefore,
        w.warehouse()
            .read(Tables.ALERTS)
            .filter(col(AS_OF).equalTo(Timestamp.from(T)))
            .drop(RUN_ID, CREATED_AT));
  }

  @Test
  void forecastsServeTheCalibratedProbabilityAndTheBacktestReportsBothBriers() {
    ObjectNode metadata =
        new ModelArtifacts(spark, w.config.resolvedModelsRoot())
            .readMetadata(w.model.metadataUri());
    PlattScaling platt = PlattScaling.fromMetadata(metadata);
    assertNotNull(platt, "trained with model.calibration.platt = true");
    assertEquals("test split", metadata.get("calibration").get("fitted_on").asText());
    JsonNode backtest = metadata.get("backtest").get("calibration");
    assertTrue(backtest.get("brier_before").isNumber() && backtest.get("brier_after").isNumber());
    assertTrue(backtest.get("reliability_before").size() > 0);
    // The stored p_up of an ML row is the Platt scaling of the pipeline's probability for the
    // row's features.
    Row row =
        w.warehouse()
            .read(Tables.FORECASTS)
            .filter(col(MODEL_TYPE).equalTo(MODEL_TYPE_ML).and(col(SYMBOL).equalTo("ETH-USD")))
            .orderBy(col(AS_OF).desc())
            .first();
    List<Column> columns = new ArrayList<>(List.of(col(SYMBOL), col(AS_OF), col(LOOKBACK_DAYS)));
    for (String f : FEATURES) {
      columns.add(col(FEATURES_MAP).getItem(f).as(f));
    }
    Dataset<Row> features =
        w.warehouse()
            .read(Tables.FORECASTS)
            .filter(
                col(SYMBOL)
                    .equalTo("ETH-USD")
                    .and(col(AS_OF).equalTo(row.<Timestamp>getAs(AS_OF)))
                    .and(col(HORIZON_MINUTES).equalTo(H7)))
            .select(columns.toArray(Column[]::new));
    double raw =
        ForestScores.pUp(PipelineModel.load(w.model.artifactUri()), features).first().getAs(P_UP);
    assertEquals(platt.apply(raw), row.<Double>getAs(P_UP), 1e-12);
  }

  @Test
  void theCommandIsRegisteredAndChecksItsAsOfBeforeStartingSpark() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int help =
        ForecasterCli.execute(
            new String[] {"monitor", "--help"}, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, help);
    assertTrue(out.toString().contains("--fail-on-alert"));
    int bad =
        ForecasterCli.execute(
            new String[] {"monitor", "--as-of", "yesterday"},
            new PrintWriter(out),
            new PrintWriter(err));
    assertEquals(1, bad);
    assertTrue(err.toString().contains("invalid --as-of 'yesterday'"), err.toString());
  }

  private static Dataset<Row> roundDoubles(Dataset<Row> rows) {
    Dataset<Row> rounded = rows;
    for (org.apache.spark.sql.types.StructField f : rows.schema().fields()) {
      if (f.dataType().equals(org.apache.spark.sql.types.DataTypes.DoubleType)) {
        rounded =
            rounded.withColumn(f.name(), org.apache.spark.sql.functions.round(col(f.name()), 9));
      }
    }
    return rounded;
  }
}
