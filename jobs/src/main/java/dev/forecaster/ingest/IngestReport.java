package dev.forecaster.ingest;

import dev.forecaster.io.Warehouse.MergeCounts;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one ingest run did: per file, rows read = accepted + duplicates + quarantined; per table,
 * what the MERGE inserted and updated.
 */
public record IngestReport(
    String runId,
    List<FileCounts> files,
    Map<String, MergeCounts> tables,
    List<String> unreadableFiles) {

  public IngestReport(String runId, List<FileCounts> files, Map<String, MergeCounts> tables) {
    this(runId, files, tables, List.of());
  }

  /** The fate of one file's data lines. */
  public record FileCounts(
      String table,
      String file,
      long read,
      long accepted,
      long duplicates,
      Map<String, Long> quarantinedByReason) {
    public long quarantined() {
      return quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean reconciles() {
      return read == accepted + duplicates + quarantined();
    }
  }

  public long total(String table, java.util.function.ToLongFunction<FileCounts> field) {
    return files.stream().filter(f -> f.table().equals(table)).mapToLong(field).sum();
  }

  /** Prints the per-file summary and the table changes. */
  public void print(PrintWriter out) {
    out.printf(
        "%-8s %10s %10s %10s %11s  %s%n",
        "table", "read", "accepted", "duplicates", "quarantined", "file");
    for (FileCounts f : files) {
      out.printf(
          "%-8s %10d %10d %10d %11d  %s%n",
          f.table(), f.read(), f.accepted(), f.duplicates(), f.quarantined(), f.file());
      if (!f.quarantinedByReason().isEmpty()) {
        out.println(
            "         quarantined: "
                + f.quarantinedByReason().entrySet().stream()
                    .map(e -> e.getKey() + " x" + e.getValue())
                    .collect(Collectors.joining("; ")));
      }
    }
    tables.forEach(
        (table, m) ->
            out.printf(
                "%s: %d inserted, %d updated (Delta version %d)%n",
                table, m.inserted(), m.updated(), m.version()));
    for (String f : unreadableFiles) {
      out.printf("unreadable (quarantined as a whole): %s%n", f);
    }
    out.printf("run %s%n", runId);
    out.flush();
  }
}
