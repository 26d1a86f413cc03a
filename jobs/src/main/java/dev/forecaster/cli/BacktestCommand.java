package dev.forecaster.cli;

import dev.forecaster.backtest.BacktestModelJob;
import dev.forecaster.backtest.BacktestReport;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.Errors;
import dev.forecaster.io.Warehouse;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.spark.SparkSessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backtest}: the 60-day backtest against the naive baseline, the guard and the gate. */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a registered model and the naive baseline on the same (symbol, as-of) samples of the"
          + " backtest window (the last --days as-ofs with matured labels at --as-of), writes"
          + " backtest_predictions, backtest_summary and a CSV export, and prints the report.",
      "Leakage guard: a model whose training reaches into the window is reported as LEAKAGE and"
          + " never gated. Otherwise the gate promotes a candidate that passes (retiring the"
          + " previous one) and rejects one that fails, recording each failed criterion."
    })
final class BacktestCommand implements Callable<Integer> {
  @Mixin TableOptions tables;

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "NAME[:VERSION]",
      description = "The model, e.g. ml_forecaster_7d_rf:v3 (no version: the newest).")
  String model;

  @Option(
      names = "--days",
      paramLabel = "N",
      description = "As-ofs in the window (default: backtest.days, 60).")
  Integer days;

  @Option(
      names = "--as-of",
      paramLabel = "INSTANT",
      description = "Backtest with what was known at this instant (default: the latest candle).")
  String asOf;

  @Override
  public Integer call() {
    if (days != null && days < 1) {
      throw Errors.invalidOption("--days", days.toString(), "at least 1");
    }
    ForecasterConfig config = tables.load();
    SparkSession spark = SparkSessions.create("forecaster-backtest", config);
    try {
      RegistryEntry entry = new ModelRegistry(spark, new Warehouse(spark, config)).resolve(model);
      BacktestModelJob.Outcome outcome =
          new BacktestModelJob(spark, config)
              .run(
                  entry,
                  CliValues.instant("--as-of", asOf),
                  days == null ? config.backtestDays() : days,
                  null);
      spec.commandLine().getOut().print(BacktestReport.format(outcome, 5));
      ReportCommand.writeBacktestReport(
          spark,
          config,
          outcome.entry().ref(),
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
      return 0;
    } finally {
      spark.stop();
    }
  }
}
