package dev.forecaster.cli;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.nightly.NightlyJob;
import dev.forecaster.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nightly}: ingest + features + forecast + monitor for one as-of (what Airflow runs). */
@Command(
    name = "nightly",
    mixinStandardHelpOptions = true,
    description = {
      "For one as-of: ingests whatever is in the configured landing folders"
          + " (forecaster.ingest.landing-prices / landing-events), writes the features of the"
          + " as-of, its forecasts, and monitors what has matured by then (see monitor). One line"
          + " per step with its time and row counts, then the active alerts.",
      "Idempotent: re-running a night replaces that night's features and forecasts."
    })
final class NightlyCommand implements Callable<Integer> {
  @Mixin TableOptions tables;

  @Spec CommandSpec spec;

  @Option(
      names = "--as-of",
      required = true,
      paramLabel = "INSTANT",
      description = "The night's as-of, e.g. 2025-12-12T00:00:00Z (Airflow: data_interval_end).")
  String asOf;

  @Option(
      names = "--fail-on-alert",
      description = "Exit with code 3 when the monitor step finds an active alert (for Airflow).")
  boolean failOnAlert;

  @Override
  public Integer call() {
    var t = CliValues.instant("--as-of", asOf);
    ForecasterConfig config = tables.load();
    SparkSession spark = SparkSessions.create("forecaster-nightly", config);
    try {
      PrintWriter out = spec.commandLine().getOut();
      NightlyJob.Run run =
          new NightlyJob(spark, config)
              .run(
                  t,
                  step -> {
                    out.println(step);
                    out.flush();
                  });
      out.println(MonitorCommand.summary(run.monitor()));
      run.monitor().alerts().forEach(a -> out.printf("  ALERT %-22s %s%n", a.alert(), a.message()));
      out.flush();
      if (!run.unreadableFiles().isEmpty()) {
        // The other steps ran on the readable data; the night still fails so that it is seen.
        throw new ForecasterException(
            String.format(
                "%d landing file(s) could not be read at all: %s. They are in quarantine (line 0)"
                    + " and recorded in ingested_files, so the next night goes on without them;"
                    + " fix each file and deliver it again under a new name.",
                run.unreadableFiles().size(), String.join("; ", run.unreadableFiles())));
      }
      return failOnAlert && !run.monitor().alerts().isEmpty() ? MonitorCommand.ALERTS_EXIT_CODE : 0;
    } finally {
      spark.stop();
    }
  }
}
