package dev.forecaster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.model.TrainModelJob;
import dev.forecaster.spark.SparkSessions;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: one horizon's model, registered as a candidate. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Trains one horizon's random forest on the point-in-time samples known at --as-of"
          + " (FORECASTING.md section 7): per-symbol 80/20 chronological split with purge.",
      "By default the training data ends (purged) before the backtest window of --as-of, so the"
          + " model can be backtested and gated honestly. Saves the pipeline and metadata.json"
          + " under the models root and registers the version as a candidate; the same data and"
          + " settings again return the same version."
    })
final class TrainCommand implements Callable<Integer> {
  @Mixin TableOptions tables;

  @Spec CommandSpec spec;

  @Option(
      names = "--horizon",
      required = true,
      paramLabel = "H",
      description = "Forecast horizon: 1d, 7d, 30d (or minutes).")
  String horizon;

  @Option(
      names = "--as-of",
      paramLabel = "INSTANT",
      description = "Train on what was known at this instant (default: the latest candle close).")
  String asOf;

  @Option(
      names = "--train-from",
      paramLabel = "DATE",
      description = "Ignore samples before this as-of.")
  String trainFrom;

  @Option(
      names = "--no-holdout",
      description =
          "Train on every matured sample up to --as-of, including the backtest window (a backtest"
              + " at the same as-of will then report LEAKAGE).")
  boolean noHoldout;

  @Option(
      names = "--no-purge",
      description = "Keep train samples whose label window reaches the test split (experiments).")
  boolean noPurge;

  @Option(
      names = "--fit-all",
      description = "Fit on every sample, no test split (experiments only; the guard catches it).")
  boolean fitAll;

  @Override
  public Integer call() {
    int h = CliValues.horizon("--horizon", horizon);
    ForecasterConfig config = tables.load();
    SparkSession spark = SparkSessions.create("forecaster-train", config);
    try {
      TrainModelJob job = new TrainModelJob(spark, config);
      TrainModelJob.Inputs inputs =
          job.inputs(
              CliValues.instant("--as-of", asOf), CliValues.instant("--train-from", trainFrom));
      TrainModelJob.Trained trained =
          job.train(
              inputs,
              new TrainModelJob.Options(
                  h,
                  CliValues.instant("--train-from", trainFrom),
                  !noHoldout,
                  config.split().purge() && !noPurge,
                  fitAll));
      print(spec.commandLine().getOut(), trained);
      return 0;
    } finally {
      spark.stop();
    }
  }

  static void print(PrintWriter out, TrainModelJob.Trained trained) {
    JsonNode m = trained.metadata();
    JsonNode test = m.get("test_metrics");
    out.printf(
        "%s %s (%s): %s%n",
        trained.reused() ? "already trained" : "trained",
        trained.entry().ref(),
        m.get("horizon").asText(),
        trained.entry().status());
    JsonNode train = m.get("class_balance").get("train");
    out.printf(
        "  train samples: %d (up %d, down %d); last train as-of %s%n",
        train.get("up").asLong() + train.get("down").asLong(),
        train.get("up").asLong(),
        train.get("down").asLong(),
        m.get("last_train_as_of").asText());
    out.printf(
        Locale.ROOT,
        "  test: n %d, accuracy %s, Brier %s, up share %s%n",
        test.get("n").asLong(),
        pct(test.get("accuracy")),
        num(test.get("brier")),
        test.get("n").asLong() == 0
            ? "-"
            : pct(
                ModelNumbers.share(
                    test.get("class_balance").get("up").asLong(), test.get("n").asLong())));
    JsonNode c = test.get("confusion");
    out.printf(
        "  confusion (rows actual, cols predicted up/down): up [%d %d] down [%d %d]%n",
        c.get("true_up").asLong(),
        c.get("false_down").asLong(),
        c.get("false_up").asLong(),
        c.get("true_down").asLong());
    Iterator<Map.Entry<String, JsonNode>> symbols = test.get("per_symbol").fields();
    while (symbols.hasNext()) {
      Map.Entry<String, JsonNode> e = symbols.next();
      out.printf(
          "  %-12s test n %4d accuracy %s%n",
          e.getKey(), e.getValue().get("n").asLong(), pct(e.getValue().get("accuracy")));
    }
    out.print("  top importances:");
    Iterator<Map.Entry<String, JsonNode>> it = m.get("feature_importances").fields();
    for (int i = 0; i < 5 && it.hasNext(); i++) {
      Map.Entry<String, JsonNode> e = it.next();
      out.printf(Locale.ROOT, " %s %.3f", e.getKey(), e.getValue().asDouble());
    }
    out.println();
    out.printf("  metadata: %s%n", trained.entry().metadataUri());
    out.flush();
  }

  private static String pct(JsonNode v) {
    return v == null || v.isNull() ? "-" : pct(v.asDouble());
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", v * 100);
  }

  private static String num(JsonNode v) {
    return v == null || v.isNull() ? "-" : String.format(Locale.ROOT, "%.4f", v.asDouble());
  }

  /** Small arithmetic for the printout. */
  static final class ModelNumbers {
    private ModelNumbers() {}

    static double share(long part, long whole) {
      return (double) part / whole;
    }
  }
}
