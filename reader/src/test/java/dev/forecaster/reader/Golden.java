package dev.forecaster.reader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The golden forecasts table (written by the jobs' GoldenForecastsTableTest) and ways to lay it out
 * under a test warehouse, whole or one Delta commit at a time.
 *
 * <p>What it holds, by version: 0 night 2025-11-30 (BTC-USD, ETH-USD); 1 night 2025-12-11 (XMR-USD
 * appears); 2 night 2025-12-12; 3 the 1-day rows of 2025-12-11 re-scored (run
 * golden-2025-12-11-rerun, through a deletion vector).
 */
final class Golden {
  static final int LATEST_VERSION = 3;

  private Golden() {}

  static Path table() {
    try {
      return Path.of(Golden.class.getResource("/golden/forecasts/_delta_log").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies the whole golden table to {@code <warehouse>/forecasts}. */
  static void copyAll(Path warehouse) {
    copyDataFiles(warehouse);
    for (int v = 0; v <= LATEST_VERSION; v++) {
      commit(warehouse, v);
    }
  }

  /**
   * Copies every data file (what a writer does before it commits: files no commit names yet are
   * invisible to readers) and creates the empty log folder.
   */
  static void copyDataFiles(Path warehouse) {
    Path source = table();
    Path target = warehouse.resolve("forecasts");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path relative = source.relativize(file);
        if (relative.startsWith("_delta_log")) {
          continue;
        }
        Files.createDirectories(target.resolve(relative).getParent());
        Files.copy(file, target.resolve(relative), StandardCopyOption.REPLACE_EXISTING);
      }
      Files.createDirectories(target.resolve("_delta_log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Commits one golden version: its log file appears at once (written aside, then moved). */
  static void commit(Path warehouse, int version) {
    String name = String.format("%020d", version);
    try {
      writeCommit(warehouse, version, Files.readString(log(version)));
      Path crc = table().resolve("_delta_log").resolve(name + ".crc");
      if (Files.exists(crc)) {
        Files.copy(
            crc,
            warehouse.resolve("forecasts/_delta_log").resolve(name + ".crc"),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Version 0 without its data file: a table that exists and has no rows. */
  static void commitEmptyVersion0(Path warehouse) {
    try {
      String withoutData =
          Files.readAllLines(log(0)).stream()
              .filter(line -> !line.startsWith("{\"add\""))
              .collect(Collectors.joining("\n", "", "\n"));
      writeCommit(warehouse, 0, withoutData);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeCommit(Path warehouse, int version, String content) throws IOException {
    Path logDir = warehouse.resolve("forecasts/_delta_log");
    Files.createDirectories(logDir);
    Path tmp = logDir.resolve(".tmp-" + version + ".json");
    Files.writeString(tmp, content);
    Files.move(
        tmp, logDir.resolve(String.format("%020d.json", version)), StandardCopyOption.ATOMIC_MOVE);
  }

  private static Path log(int version) {
    return table().resolve("_delta_log").resolve(String.format("%020d.json", version));
  }

  static List<String> symbols() {
    return List.of("BTC-USD", "ETH-USD", "XMR-USD");
  }
}
