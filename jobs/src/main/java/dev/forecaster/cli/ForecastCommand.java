package dev.forecaster.cli;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.forecast.ForecastJob;
import dev.forecaster.forecast.ModelChoice;
import dev.forecaster.spark.SparkSessions;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code forecast}: precomputed forecasts of one as-of (or a backfill range) -> Delta. */
@Command(
    name = "forecast",
    mixinStandardHelpOptions = true,
    description = {
      "Precomputes, for every symbol with data and every configured horizon x lookback, the"
          + " promoted model's forecast (or the naive baseline with the reason) at --as-of, or at"
          + " every day 00:00 UTC from --from to --to (backfill), into the Delta table forecasts.",
      "Re-running an as-of replaces its rows and nothing else."
    })
final class ForecastCommand implements Callable<Integer> {
  @Mixin TableOptions tables;

  @Spec CommandSpec spec;

  @Option(names = "--as-of", paramLabel = "INSTANT", description = "The as-of to forecast.")
  String asOf;

  @Option(names = "--from", paramLabel = "DATE", description = "First as-of of a backfill.")
  String from;

  @Option(names = "--to", paramLabel = "DATE", description = "Last as-of of a backfill.")
  String to;

  @Override
  public Integer call() {
    List<Instant> asOfs = CliValues.asOfs(asOf, from, to);
    ForecasterConfig config = tables.load();
    SparkSession spark = SparkSessions.create("forecaster-forecast", config);
    try {
      ForecastJob.Result r = new ForecastJob(spark, config).run(asOfs);
      print(spec.commandLine().getOut(), r, asOfs);
      return 0;
    } finally {
      spark.stop();
    }
  }

  static void print(PrintWriter out, ForecastJob.Result r, List<Instant> asOfs) {
    for (ModelChoice c : r.choices()) {
      out.printf(
          "horizon %d: %s%n",
          c.horizonMinutes(),
          c.hasModel()
              ? c.entry().ref() + (c.note() == null ? "" : " (" + c.note() + ")")
              : "naive baseline (" + c.note() + ")");
    }
    out.printf(
        "forecasts: %d rows (%d naive) for %d as-ofs %s .. %s, run %s, Delta version %d%n",
        r.rows(),
        r.naiveRows(),
        asOfs.size(),
        asOfs.get(0),
        asOfs.get(asOfs.size() - 1),
        r.runId(),
        r.version());
    out.flush();
  }
}
