package dev.forecaster.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.defaults.engine.DefaultEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the golden table through delta-kernel: live rows only, the same as the kernel's own
 * reader.
 */
class ForecastsTableTest {
  private static final Comparator<ForecastRow> KEY =
      Comparator.comparingLong(ForecastRow::asOfMicros)
          .thenComparing(ForecastRow::symbol)
          .thenComparingInt(ForecastRow::horizonMinutes)
          .thenComparingInt(ForecastRow::lookbackDays);

  @Test
  void readsTheLiveRowsOfTheLatestVersion(@TempDir Path warehouse) {
    Golden.copyAll(warehouse);
    String path = warehouse.resolve("forecasts").toString();
    ForecastsTable table = new ForecastsTable(ReaderEngine.create(), path);
    assertEquals(3, table.latestVersion().getAsLong());
    List<ForecastRow> rows = rows(table);
    // 7 + 10 + 10: version 3 replaced three rows of 2025-12-11 without adding any.
    assertEquals(27, rows.size());
    Map<String, Long> perNight =
        rows.stream()
            .collect(
                Collectors.groupingBy(
                    r -> Instants.format(r.asOfMicros()), TreeMap::new, Collectors.counting()));
    assertEquals(
        Map.of(
            "2025-11-30T00:00:00Z", 7L, "2025-12-11T00:00:00Z", 10L, "2025-12-12T00:00:00Z", 10L),
        perNight);
    assertEquals(3, rows.stream().filter(r -> r.runId().equals("golden-2025-12-11-rerun")).count());
    assertTrue(
        rows.stream().noneMatch(r -> r.expectedReturn() != null && r.expectedReturn() == -0.0008));

    // The same rows as the kernel's default engine reads (ours only shares one Hadoop
    // configuration).
    ForecastsTable kernel = new ForecastsTable(DefaultEngine.create(new Configuration()), path);
    List<ForecastRow> expected = rows(kernel);
    expected.sort(KEY);
    rows.sort(KEY);
    assertEquals(expected, rows);
  }

  @Test
  void filesReadBeforeAreReusedAndAFileWithANewDeletionVectorIsReadAgain(@TempDir Path warehouse) {
    Golden.copyDataFiles(warehouse);
    Golden.commit(warehouse, 0);
    Golden.commit(warehouse, 1);
    Golden.commit(warehouse, 2);
    ForecastsTable table =
        new ForecastsTable(ReaderEngine.create(), warehouse.resolve("forecasts").toString());
    ForecastsTable.Files<ForecastRow> v2 = table.read(table.latest().get(), Map.of(), r -> r);
    assertEquals(3, v2.read());
    assertEquals(0, v2.reused());

    // Version 3 adds a file and puts a deletion vector on night 2025-12-11's file.
    Golden.commit(warehouse, 3);
    ForecastsTable.Files<ForecastRow> v3 = table.read(table.latest().get(), v2.rows(), r -> r);
    assertEquals(2, v3.reused());
    assertEquals(2, v3.read());
    int total = v3.rows().values().stream().mapToInt(List::size).sum();
    assertEquals(27, total);
  }

  private static List<ForecastRow> rows(ForecastsTable table) {
    return new ArrayList<>(
        table.read(table.latest().get(), Map.of(), r -> r).rows().values().stream()
            .flatMap(List::stream)
            .toList());
  }

  @Test
  void noTableIsEmptyNotAnError(@TempDir Path warehouse) {
    ForecastsTable table =
        new ForecastsTable(ReaderEngine.create(), warehouse.resolve("forecasts").toString());
    assertTrue(table.latest().isEmpty());
    assertTrue(table.latestVersion().isEmpty());
  }
}
