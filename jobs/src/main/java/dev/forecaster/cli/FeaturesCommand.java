package dev.forecaster.cli;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.Errors;
import dev.forecaster.features.FeaturesJob;
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

/** {@code features}: point-in-time feature rows for an as-of range -> Delta features. */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = {
      "Computes the 17 point-in-time features of FORECASTING.md for every symbol at each as-of"
          + " (every day 00:00 UTC from --from to --to, or one --as-of instant) and writes them to"
          + " the Delta table features.",
      "Re-running a range replaces exactly that range (per lookback); other rows stay."
    })
final class FeaturesCommand implements Callable<Integer> {
  @Mixin TableOptions tables;

  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      paramLabel = "DATE",
      description = "First as-of (a date means 00:00 UTC).")
  String from;

  @Option(names = "--to", paramLabel = "DATE", description = "Last as-of, inclusive.")
  String to;

  @Option(
      names = "--as-of",
      paramLabel = "INSTANT",
      description =
          "One as-of instant, e.g. 2025-12-12T00:00:00Z or 2025-12-12 (any instant works).")
  String asOf;

  @Option(
      names = "--lookback",
      paramLabel = "DAYS",
      description = "Lookback L in days (default: every configured lookback).")
  Integer lookback;

  @Override
  public Integer call() {
    List<Instant> asOfs = asOfs();
    ForecasterConfig config = tables.load();
    List<Integer> lookbacks = lookback != null ? List.of(lookback) : config.lookbacksDays();
    if (lookback != null && lookback < 31) {
      throw Errors.invalidOption("--lookback", lookback.toString(), "at least 31 days");
    }
    SparkSession spark = SparkSessions.create("forecaster-features", config);
    try {
      PrintWriter out = spec.commandLine().getOut();
      for (int l : lookbacks) {
        FeaturesJob.Result r = new FeaturesJob(spark, config).run(asOfs, l);
        out.printf(
            "features: %d rows (%d as-ofs from %s to %s, lookback %d d), Delta version %d%n",
            r.rows(), asOfs.size(), asOfs.get(0), asOfs.get(asOfs.size() - 1), l, r.version());
      }
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }

  private List<Instant> asOfs() {
    return CliValues.asOfs(asOf, from, to);
  }
}
