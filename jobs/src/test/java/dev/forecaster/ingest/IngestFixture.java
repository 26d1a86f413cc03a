package dev.forecaster.ingest;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.io.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A warehouse in a temporary folder, landing files written from literals, and a fixed clock. */
final class IngestFixture {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  final Path root;
  final ForecasterConfig config;
  final Warehouse warehouse;

  IngestFixture(Path root) {
    this.root = root;
    this.config =
        ConfigLoader.load(null, Map.of("warehouse", root.resolve("warehouse").toString()));
    this.warehouse = new Warehouse(TestSpark.session(), config);
  }

  Path write(String relative, String... lines) {
    Path file = root.resolve(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  IngestReport ingest(Path prices, Path events) {
    return ingest(prices, events, OptionalLong.empty());
  }

  IngestReport ingest(Path prices, Path events, OptionalLong bar) {
    IngestReport report =
        new IngestJob(TestSpark.session(), config, Clock.fixed(NOW, ZoneOffset.UTC))
            .run(
                new IngestJob.Request(
                    Optional.ofNullable(prices).map(Path::toString),
                    Optional.ofNullable(events).map(Path::toString),
                    bar));
    report
        .files()
        .forEach(f -> org.junit.jupiter.api.Assertions.assertTrue(f.reconciles(), f::toString));
    return report;
  }

  Dataset<Row> table(String name) {
    return warehouse.read(name);
  }

  List<Row> sql(String query) {
    for (String t : List.of("prices", "events", "quarantine")) {
      if (warehouse.exists(t)) {
        warehouse.read(t).createOrReplaceTempView(t);
      }
    }
    return TestSpark.session().sql(query).collectAsList();
  }

  static IngestReport.FileCounts counts(IngestReport report, String fileName) {
    return report.files().stream()
        .filter(f -> f.file().endsWith("/" + fileName))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no counts for " + fileName + " in " + report));
  }
}
