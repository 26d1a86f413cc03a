package dev.forecaster.cli;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.Errors;
import dev.forecaster.ingest.BarLength;
import dev.forecaster.ingest.IngestJob;
import dev.forecaster.ingest.IngestReport;
import dev.forecaster.spark.SparkSessions;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ingest}: landing files -> Delta prices and events, bad rows -> quarantine. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Ingests landing price CSVs and event CSV/JSON-lines files into the Delta tables prices and"
          + " events (MERGE: re-ingesting is a no-op, a corrected value updates its row).",
      "Bad rows go to the quarantine table with file, line and reason; a file that cannot be"
          + " read at all fails the run and nothing is written."
    })
final class IngestCommand implements Callable<Integer> {
  @Mixin TableOptions tables;

  @Spec CommandSpec spec;

  @Option(
      names = "--prices",
      paramLabel = "PATH",
      description = "A price CSV or a folder of them (SYMBOL.csv, or a symbol column).")
  String prices;

  @Option(
      names = "--events",
      paramLabel = "PATH",
      description = "An events CSV/JSON-lines file or a folder of them.")
  String events;

  @Option(
      names = "--bar",
      paramLabel = "LENGTH",
      description =
          "Bar length of the price files (1h, 4h, 1d, 15m or seconds); default: inferred per"
              + " symbol and file as the most common gap.")
  String bar;

  @Override
  public Integer call() {
    if (prices == null && events == null) {
      throw Errors.invalidOption("input", "(none)", "--prices PATH and/or --events PATH");
    }
    OptionalLong barSeconds = OptionalLong.empty();
    if (bar != null) {
      try {
        barSeconds = OptionalLong.of(BarLength.parseSeconds(bar));
      } catch (IllegalArgumentException e) {
        throw Errors.invalidOption("--bar", bar, "a length such as 1h, 4h, 1d, 15m or seconds");
      }
    }
    ForecasterConfig config = tables.load();
    SparkSession spark = SparkSessions.create("forecaster-ingest", config);
    try {
      IngestReport report =
          new IngestJob(spark, config, Clock.systemUTC())
              .run(
                  new IngestJob.Request(
                      Optional.ofNullable(prices), Optional.ofNullable(events), barSeconds));
      report.print(spec.commandLine().getOut());
      return 0;
    } finally {
      spark.stop();
    }
  }
}
