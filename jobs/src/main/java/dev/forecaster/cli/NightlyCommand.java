package dev.forecaster.cli;

import dev.forecaster.config.ForecasterConfig;
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

/** {@code nightly}: ingest + features + forecast for one as-of (what Airflow runs daily). */
@Command(
    name = "nightly",
    mixinStandardHelpOptions = true,
    description = {
      "For one as-of: ingests whatever is in the configured landing folders"
          + " (forecaster.ingest.landing-prices / landing-events), writes the features of the"
          + " as-of and its forecasts. One line per step with its time and row counts.",
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

  @Override
  public Integer call() {
    var t = CliValues.instant("--as-of", asOf);
    ForecasterConfig config = tables.load();
    SparkSession spark = SparkSessions.create("forecaster-nightly", config);
    try {
      PrintWriter out = spec.commandLine().getOut();
      new NightlyJob(spark, config)
          .run(
              t,
              step -> {
                out.println(step);
                out.flush();
              });
      return 0;
    } finally {
      spark.stop();
    }
  }
}
