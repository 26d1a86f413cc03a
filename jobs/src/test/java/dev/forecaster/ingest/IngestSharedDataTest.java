package dev.forecaster.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forecaster.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingests every file of ../shared/data (skipped when the data pack is not beside the checkout). */
class IngestSharedDataTest {
  @TempDir Path tmp;

  private static Path data() {
    var data = TestSpark.sharedData();
    Assumptions.assumeTrue(
        data.isPresent(),
        "../shared/data is not beside this checkout: real-data ingest test skipped");
    return data.orElseThrow();
  }

  /** Data lines per symbol, counted straight from the files. */
  private static Map<String, Long> linesPerSymbol(Path folder) throws IOException {
    Map<String, Long> lines = new HashMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).toList()) {
        try (Stream<String> l = Files.lines(f)) {
          lines.put(f.getFileName().toString().replace(".csv", ""), l.count() - 1);
        }
      }
    }
    return lines;
  }

  @Test
  void everyPriceFolderAndTheEventsLoadCompletely() throws IOException {
    Path data = data();
    // One warehouse per bar length: a table keeps one series per symbol.
    for (String folder : List.of("daily", "4h", "hourly", "hourly_recent")) {
      IngestFixture f = new IngestFixture(tmp.resolve(folder));
      IngestReport report = f.ingest(data.resolve("prices").resolve(folder), null);
      Map<String, Long> expected = linesPerSymbol(data.resolve("prices").resolve(folder));
      Map<String, Long> stored = new HashMap<>();
      for (Row r : f.sql("SELECT symbol, count(*) FROM prices GROUP BY symbol")) {
        stored.put(r.getString(0), r.getLong(1));
      }
      assertEquals(expected, stored, folder);
      assertEquals(0, report.total("prices", IngestReport.FileCounts::quarantined), folder);
    }
    IngestFixture f = new IngestFixture(tmp.resolve("events"));
    IngestReport report = f.ingest(null, data.resolve("events/events.csv"));
    long lines;
    try (Stream<String> l = Files.lines(data.resolve("events/events.csv"))) {
      lines = l.count() - 1;
    }
    assertEquals(lines, report.total("events", IngestReport.FileCounts::accepted));
    assertEquals(lines, f.sql("SELECT count(*) FROM events").get(0).getLong(0));
  }
}
