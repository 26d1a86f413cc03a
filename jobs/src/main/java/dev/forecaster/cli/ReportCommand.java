package dev.forecaster.cli;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.report.ReportJob;
import dev.forecaster.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code report}: HTML reports with PNG charts under the warehouse's reports/. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a self-contained HTML report (index.html and its PNG charts in one folder) under"
          + " <warehouse>/reports/ and prints its path."
    },
    subcommands = {
      ReportCommand.Backtest.class,
      ReportCommand.Monitor.class,
      ReportCommand.WalkForward.class
    })
final class ReportCommand implements Runnable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ReportCommand.class);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code report backtest NAME:VERSION}. */
  @Command(
      name = "backtest",
      mixinStandardHelpOptions = true,
      description = {
        "The latest backtest of a model version: ML vs naive accuracy per symbol with Wilson"
            + " intervals, cumulative accuracy over the window, reliability diagram (before and"
            + " after calibration when the model has one), confusion matrix, feature importances."
      })
  static final class Backtest implements Callable<Integer> {
    @Mixin TableOptions tables;

    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "NAME[:VERSION]",
        description = "The model, e.g. ml_forecaster_7d_rf:v3 (no version: the newest).")
    String model;

    @Override
    public Integer call() {
      ForecasterConfig config = tables.load();
      SparkSession spark = SparkSessions.create("forecaster-report", config);
      try {
        print(spec.commandLine().getOut(), new ReportJob(spark, config).backtest(model));
        return 0;
      } finally {
        spark.stop();
      }
    }
  }

  /** {@code report monitor --as-of T}. */
  @Command(
      name = "monitor",
      mixinStandardHelpOptions = true,
      description = {
        "The monitor run of an as-of: active alerts, rolling live accuracy next to the backtest's,"
            + " Brier and live calibration, fallback and ML failure rates, drift per feature,"
            + " data age. Run `forecaster monitor --as-of T` first."
      })
  static final class Monitor implements Callable<Integer> {
    @Mixin TableOptions tables;

    @Spec CommandSpec spec;

    @Option(
        names = "--as-of",
        required = true,
        paramLabel = "INSTANT",
        description = "The as-of of the monitor run.")
    String asOf;

    @Override
    public Integer call() {
      var t = CliValues.instant("--as-of", asOf);
      ForecasterConfig config = tables.load();
      SparkSession spark = SparkSessions.create("forecaster-report", config);
      try {
        print(spec.commandLine().getOut(), new ReportJob(spark, config).monitor(t));
        return 0;
      } finally {
        spark.stop();
      }
    }
  }

  /** {@code report walkforward RUN_ID}. */
  @Command(
      name = "walkforward",
      mixinStandardHelpOptions = true,
      description = {
        "A walk-forward run: per horizon, the summary (overall, per year, per symbol, with HAC"
            + " p-values), cumulative served vs candidate vs naive accuracy with the promotions"
            + " marked, accuracy per year with HAC 95% intervals, and the share served by ML per"
            + " month. Run `forecaster walkforward` first."
      })
  static final class WalkForward implements Callable<Integer> {
    @Mixin TableOptions tables;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "RUN_ID", description = "The walk-forward run (its --run-id).")
    String runId;

    @Override
    public Integer call() {
      ForecasterConfig config = tables.load();
      SparkSession spark = SparkSessions.create("forecaster-report", config);
      try {
        print(spec.commandLine().getOut(), new ReportJob(spark, config).walkForward(runId));
        return 0;
      } finally {
        spark.stop();
      }
    }
  }

  /**
   * The report that backtest and retrain write after each backtest. The backtest's results are
   * already committed, so a report that cannot be written is a warning with the command to retry,
   * not a failure.
   */
  static void writeBacktestReport(
      SparkSession spark, ForecasterConfig config, String ref, PrintWriter out, PrintWriter err) {
    try {
      print(out, new ReportJob(spark, config).backtest(ref));
    } catch (RuntimeException e) {
      LOG.warn("report of {} not written", ref, e);
      err.printf(
          "warning: the report of %s was not written (%s); retry with `forecaster report backtest"
              + " %s`%n",
          ref, e.getMessage(), ref);
      err.flush();
    }
  }

  static void print(PrintWriter out, String uri) {
    out.println("report: " + uri);
    out.flush();
  }
}
