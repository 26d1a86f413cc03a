package dev.forecaster.cli;

import dev.forecaster.backtest.BacktestReport;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.retrain.RetrainJob;
import dev.forecaster.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code retrain}: train + backtest + gate for every configured horizon (monthly). */
@Command(
    name = "retrain",
    mixinStandardHelpOptions = true,
    description = {
      "For every configured horizon: trains a candidate whose training data ends (purged) before"
          + " the backtest window of --as-of, backtests it on that window and gates it. What was"
          + " validated is exactly what is promoted.",
      "Prints a summary per horizon; --result-json writes the outcome for a scheduler."
    })
final class RetrainCommand implements Callable<Integer> {
  @Mixin TableOptions tables;

  @Spec CommandSpec spec;

  @Option(
      names = "--as-of",
      paramLabel = "INSTANT",
      description = "Retrain with what was known at this instant (default: the latest candle).")
  String asOf;

  @Option(
      names = "--result-json",
      paramLabel = "FILE",
      description = "Also write the per-horizon outcome (gate, status, promoted) as JSON here.")
  Path resultJson;

  @Override
  public Integer call() {
    ForecasterConfig config = tables.load();
    Instant t = CliValues.instant("--as-of", asOf);
    SparkSession spark = SparkSessions.create("forecaster-retrain", config);
    try {
      List<RetrainJob.HorizonResult> results = new RetrainJob(spark, config).run(t);
      PrintWriter out = spec.commandLine().getOut();
      for (RetrainJob.HorizonResult r : results) {
        TrainCommand.print(out, r.trained());
        out.print(BacktestReport.format(r.backtest(), 5));
        ReportCommand.writeBacktestReport(
            spark, config, r.trained().entry().ref(), out, spec.commandLine().getErr());
        out.println();
      }
      out.flush();
      if (resultJson != null) {
        try {
          Files.writeString(
              resultJson,
              ModelArtifacts.JSON.writeValueAsString(RetrainJob.resultJson(t, results)));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write " + resultJson, e);
        }
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}
