package dev.forecaster.cli;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.maintain.Compaction;
import dev.forecaster.maintain.MaintainTablesJob;
import dev.forecaster.maintain.MaintainTablesJob.TableResult;
import dev.forecaster.spark.SparkSessions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code maintain}: OPTIMIZE and VACUUM every Delta table of the warehouse (weekly upkeep). */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = {
      "Table upkeep, for each Delta table of the warehouse (walk-forward runs' tables included):"
          + " OPTIMIZE compacts the small files the nightly MERGEs and appends leave (no row"
          + " changes), then VACUUM deletes the files no version of the last --retention still"
          + " reads. Time travel (VERSION AS OF, TIMESTAMP AS OF) keeps working within the"
          + " retention, default forecaster.maintain.vacuum-retention = 30d: Delta's own log keeps"
          + " 30 days of versions.",
      "One progress line per table (stderr), then a table: files and bytes of the latest version"
          + " before and after, files VACUUM deleted, seconds.",
      "Idempotent and safe to kill: every change is an atomic Delta commit or the deletion of"
          + " files no kept version reads, so a killed run leaves every table readable and the next"
          + " run finishes; a run with nothing to do commits nothing.",
      "Run it where no job writes the tables (Airflow runs it weekly in the one-slot writer pool"
          + " forecaster_delta_writer). Delta detects an OPTIMIZE that conflicts with a concurrent"
          + " write on HDFS or a local disk and fails one of them, losing nothing; on S3 two"
          + " drivers committing at once can lose a commit unseen, which the pool prevents."
    })
final class MaintainCommand implements Callable<Integer> {
  @Mixin TableOptions tables;

  @Spec CommandSpec spec;

  @Option(
      names = "--tables",
      split = ",",
      paramLabel = "TABLE",
      description =
          "Only these tables, e.g. forecasts,prices or walkforward/RUN_ID/model_registry"
              + " (default: every Delta table of the warehouse).")
  List<String> only;

  @Option(
      names = "--dry-run",
      description =
          "Print what OPTIMIZE would compact and which files VACUUM would delete; change nothing.")
  boolean dryRun;

  @Option(names = "--no-vacuum", description = "Compact only; delete no file.")
  boolean noVacuum;

  @Option(
      names = "--retention",
      paramLabel = "DURATION",
      description =
          "Keep the files of every version this recent, e.g. 30d or 720h (default:"
              + " forecaster.maintain.vacuum-retention, 30d). Below 7d needs"
              + " --allow-short-retention.")
  String retention;

  @Option(
      names = "--allow-short-retention",
      description =
          "Allow a --retention below Delta's 7-day safety minimum. Only when nothing reads or"
              + " writes the warehouse meanwhile: it can delete files a running job, the reader or"
              + " a time-travel query still needs.")
  boolean allowShortRetention;

  @Override
  public Integer call() {
    ForecasterConfig config = tables.load();
    Duration keep =
        retention == null
            ? config.maintain().vacuumRetention()
            : CliValues.duration("--retention", retention);
    MaintainTablesJob.Request request =
        new MaintainTablesJob.Request(
            only == null ? List.of() : only, !noVacuum, keep, allowShortRetention, dryRun);
    SparkSession spark = SparkSessions.create("forecaster-maintain", config);
    try {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      MaintainTablesJob job = new MaintainTablesJob(spark, config);
      List<String> names = job.tables(request);
      err.printf(
          "maintain %s, %d tables%s: %s%n",
          config.warehouse(),
          names.size(),
          dryRun ? " (dry run: nothing is changed)" : "",
          noVacuum
              ? "OPTIMIZE only"
              : "OPTIMIZE, then VACUUM keeping " + MaintainTablesJob.format(keep) + " of versions");
      err.flush();
      List<TableResult> results =
          job.run(
              request,
              names,
              r -> {
                err.println(progress(r, dryRun));
                err.flush();
                if (dryRun) {
                  r.vacuumed().forEach(path -> out.println("vacuum would delete " + path));
                  out.flush();
                }
              });
      print(out, results, dryRun);
      return 0;
    } finally {
      spark.stop();
    }
  }

  static String progress(TableResult r, boolean dryRun) {
    Compaction.Plan plan = r.compaction();
    if (dryRun) {
      return String.format(
          Locale.ROOT,
          "%s: would compact %d of %d files (%d bytes, %d partition%s) into %d; VACUUM would"
              + " delete %d (%.1f s)",
          r.table(),
          plan.files(),
          r.before().files().size(),
          plan.bytes(),
          plan.partitions(),
          plan.partitions() == 1 ? "" : "s",
          plan.outputFiles(),
          r.vacuumed().size(),
          r.seconds());
    }
    return String.format(
        Locale.ROOT,
        "%s: %d -> %d files, %d -> %d bytes, version %d -> %d, VACUUM deleted %d (%.1f s)",
        r.table(),
        r.before().files().size(),
        r.after().files().size(),
        r.before().bytes(),
        r.after().bytes(),
        r.before().version(),
        r.after().version(),
        r.vacuumed().size(),
        r.seconds());
  }

  static void print(PrintWriter out, List<TableResult> results, boolean dryRun) {
    TablePrinter table =
        new TablePrinter(
            "table",
            "files_before",
            "files_after",
            "bytes_before",
            "bytes_after",
            dryRun ? "would_vacuum" : "vacuumed",
            "seconds");
    long[] total = new long[5];
    double seconds = 0;
    for (TableResult r : results) {
      long filesAfter =
          dryRun
              ? r.before().files().size() - r.compaction().files() + r.compaction().outputFiles()
              : r.after().files().size();
      long[] row = {
        r.before().files().size(),
        filesAfter,
        r.before().bytes(),
        r.after().bytes(),
        r.vacuumed().size()
      };
      for (int i = 0; i < row.length; i++) {
        total[i] += row[i];
      }
      seconds += r.seconds();
      table.add(cells(r.table(), row, r.seconds(), dryRun));
    }
    table.add(cells("total", total, seconds, dryRun));
    table.print(out);
    if (dryRun) {
      out.println(
          "dry run: nothing was changed; files_after is what OPTIMIZE would leave (bytes_after"
              + " depends on the rewrite), would_vacuum what VACUUM would delete");
      out.flush();
    }
  }

  private static List<String> cells(String name, long[] v, double seconds, boolean dryRun) {
    return List.of(
        name,
        String.valueOf(v[0]),
        String.valueOf(v[1]),
        String.valueOf(v[2]),
        dryRun ? "-" : String.valueOf(v[3]),
        String.valueOf(v[4]),
        String.format(Locale.ROOT, "%.1f", seconds));
  }
}
