package dev.forecaster.cli;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.Errors;
import dev.forecaster.spark.SparkSessions;
import dev.forecaster.walkforward.WalkForwardJob;
import dev.forecaster.walkforward.WalkForwardReport;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code walkforward}: replays monthly retraining with the gate over a span (section 10). */
@Command(
    name = "walkforward",
    mixinStandardHelpOptions = true,
    description = {
      "Replays the production policy over [--from, --to] (FORECASTING.md section 10): on the first"
          + " of every month, what `retrain --as-of` would have run for each horizon (train, backtest,"
          + " gate) with the data known then, into the run's own registry under"
          + " <warehouse>/walkforward/RUN_ID (never the production one); then scores the served"
          + " (latest promotion, else naive), candidate (latest trained) and naive forecast of every"
          + " matured pair of the span.",
      "Writes walkforward_runs, walkforward_predictions and walkforward_summary (overall, per"
          + " symbol, per year, with the HAC tests of section 9); re-running a run id replaces its"
          + " rows. Fails if any pair was scored by a model trained on its future (leakage).",
      "Then: `forecaster report walkforward RUN_ID`."
    })
final class WalkForwardCommand implements Callable<Integer> {
  @Mixin TableOptions tables;

  @Spec CommandSpec spec;

  @Option(
      names = "--horizons",
      split = ",",
      paramLabel = "H",
      description = "Horizons to replay, e.g. 1d,7d,30d (default: the configured horizons).")
  List<String> horizons;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "DATE",
      description = "First as-of of the span (the first retrain is the first of its month).")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DATE",
      description = "Last as-of of the span (capped at the latest candle close).")
  String to;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Name of the run (letters, digits, - and _); default wf-FROM-TO.")
  String runId;

  @Override
  public Integer call() {
    ForecasterConfig config = tables.load();
    Instant a = CliValues.instant("--from", from);
    Instant b = CliValues.instant("--to", to);
    List<Integer> h = new ArrayList<>();
    if (horizons == null || horizons.isEmpty()) {
      h.addAll(config.horizonsMinutes());
    } else {
      for (String v : horizons) {
        h.add(CliValues.horizon("--horizons", v));
      }
    }
    String id = runId != null ? runId : "wf-" + from + "-" + to;
    if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
      throw Errors.invalidOption("--run-id", id, "1-64 letters, digits, '-' or '_'");
    }
    SparkSession spark = SparkSessions.create("forecaster-walkforward", config);
    try {
      WalkForwardJob.Result result =
          new WalkForwardJob(spark, config).run(new WalkForwardJob.Request(id, h, a, b));
      PrintWriter out = spec.commandLine().getOut();
      out.print(WalkForwardReport.format(result));
      out.printf("report: forecaster report walkforward %s%n", id);
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }
}
