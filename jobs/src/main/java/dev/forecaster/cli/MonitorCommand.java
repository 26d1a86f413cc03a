package dev.forecaster.cli;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.monitor.MonitorJob;
import dev.forecaster.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code monitor}: matured forecasts vs realised prices, metrics, alerts. */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "Joins every forecast whose horizon has matured by --as-of with the realised price into"
          + " forecast_outcomes, computes monitoring_metrics (rolling accuracy next to the"
          + " backtest's, Brier, calibration, fallback and ML failure rates, feature drift, data"
          + " age) and the alerts that breach forecaster.monitor.alerts, and prints the alerts.",
      "Idempotent: re-running an as-of replaces its metrics and alerts; outcomes are MERGEd.",
      "Exit codes: 0 done (alerts or not, unless --fail-on-alert), 3 alerts with"
          + " --fail-on-alert, 1 failure."
    })
final class MonitorCommand implements Callable<Integer> {
  /** Exit code of a run that found alerts with --fail-on-alert. */
  static final int ALERTS_EXIT_CODE = 3;

  @Mixin TableOptions tables;

  @Spec CommandSpec spec;

  @Option(
      names = "--as-of",
      required = true,
      paramLabel = "INSTANT",
      description = "Monitor what had matured by this instant, e.g. 2025-12-12T00:00:00Z.")
  String asOf;

  @Option(
      names = "--fail-on-alert",
      description = "Exit with code 3 when there is an active alert (for Airflow).")
  boolean failOnAlert;

  @Override
  public Integer call() {
    var t = CliValues.instant("--as-of", asOf);
    ForecasterConfig config = tables.load();
    SparkSession spark = SparkSessions.create("forecaster-monitor", config);
    try {
      MonitorJob.Result r = new MonitorJob(spark, config).run(t);
      PrintWriter out = spec.commandLine().getOut();
      print(out, r);
      return failOnAlert && !r.alerts().isEmpty() ? ALERTS_EXIT_CODE : 0;
    } finally {
      spark.stop();
    }
  }

  static void print(PrintWriter out, MonitorJob.Result r) {
    out.printf(
        "monitor %s: %d newly matured forecasts (outcomes inserted %d, updated %d), %d metric"
            + " rows, run %s%n",
        r.asOf(),
        r.maturedForecasts(),
        r.outcomesInserted(),
        r.outcomesUpdated(),
        r.metricRows(),
        r.runId());
    out.println(summary(r));
    for (MonitorJob.Alert a : r.alerts()) {
      out.printf("  ALERT %-22s %s%n", a.alert(), a.message());
    }
    out.flush();
  }

  static String summary(MonitorJob.Result r) {
    return r.alerts().isEmpty()
        ? "no active alerts"
        : r.alerts().size() + " active alert" + (r.alerts().size() == 1 ? "" : "s") + ":";
  }
}
