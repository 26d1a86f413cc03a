package dev.forecaster.deploy;

import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deploy tests' market: 2 symbols x 400 daily candles from 2024-01-01 (seed 7, momentum 0.5, no
 * missing candle). {@code initial/} holds every candle but the last day's and every event: a
 * warehouse built from it is "yesterday". {@code landing/} is the night's delivery: the last 3
 * candles of each symbol (2 already stored, 1 new) and the events of the last 3 days, which the
 * nightly of {@link #AS_OF} ingests.
 */
final class DeployMarket {
  static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD");
  static final int DAYS = 400;

  /** The close of the last candle (2025-02-04T00:00Z): the nightly's as-of. */
  static final Instant AS_OF = MarketSpec.DEFAULT_START.plusSeconds(86_400L * DAYS);

  /** One day earlier: what the warehouse knows before the nightly. */
  static final Instant DAY_BEFORE = AS_OF.minusSeconds(86_400);

  final Path landing;
  final Path initial;

  /** The last candle of each symbol as written: symbol -> {open_time, open, high, low, close}. */
  final Map<String, String[]> lastCandles = new LinkedHashMap<>();

  private DeployMarket(Path dir) {
    this.landing = dir.resolve("landing");
    this.initial = dir.resolve("initial");
  }

  static DeployMarket write(Path dir) {
    DeployMarket m = new DeployMarket(dir);
    Path generated = dir.resolve("generated");
    try {
      new SyntheticMarket(
              new MarketSpec(
                  SYMBOLS, MarketSpec.DEFAULT_START, DAYS, 86_400, 7, 0.5, 0.0, 0.3, 0.2, 0.15))
          .write(generated, s -> {});
      for (Path folder : List.of(m.initial, m.landing)) {
        Files.createDirectories(folder.resolve("prices"));
        Files.createDirectories(folder.resolve("events"));
      }
      for (String symbol : SYMBOLS) {
        List<String> lines = Files.readAllLines(generated.resolve("prices/" + symbol + ".csv"));
        int n = lines.size();
        m.lastCandles.put(symbol, lines.get(n - 1).split(","));
        Files.write(m.initial.resolve("prices/" + symbol + ".csv"), lines.subList(0, n - 1));
        List<String> delivery = new ArrayList<>(List.of(lines.get(0)));
        delivery.addAll(lines.subList(n - 3, n));
        Files.write(m.landing.resolve("prices/" + symbol + ".csv"), delivery);
      }
      List<String> events = Files.readAllLines(generated.resolve("events/events.csv"));
      Files.write(m.initial.resolve("events/events.csv"), events);
      String since = AS_OF.minusSeconds(3 * 86_400L).toString();
      List<String> recent = new ArrayList<>(List.of(events.get(0)));
      // event_id (16 hex digits), then the ISO timestamp: the second field, never quoted.
      events.stream()
          .skip(1)
          .filter(l -> l.split(",", 3)[1].compareTo(since) >= 0)
          .forEach(recent::add);
      Files.write(m.landing.resolve("events/events.csv"), recent);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  /**
   * The tests' configuration file: {@code include}d first (e.g. conf/s3.conf, or null), then this
   * market's landing folders, small forests (10 trees of depth 4), a 15-day backtest and a gate
   * every candidate passes (so a model is promoted whatever 10 trees achieve), then the lines in
   * {@code extra}.
   */
  Path conf(Path file, Path include, String... extra) {
    String text =
        (include == null ? "" : "include file(\"" + include + "\")\n")
            + "forecaster {\n"
            + "  ingest.landing-prices = \""
            + landing.resolve("prices")
            + "\"\n"
            + "  ingest.landing-events = \""
            + landing.resolve("events")
            + "\"\n"
            + "  model.random-forest { num-trees = 10, max-depth = 4 }\n"
            + "  backtest.days = 15\n"
            + "  gate { min-improvement-pp = -100, min-symbol-accuracy = 0, min-beat-share = 0 }\n"
            + "  spark { \"spark.sql.shuffle.partitions\" = \"2\" }\n"
            + String.join("\n", extra)
            + "\n}\n";
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Copies a folder tree (a warehouse). */
  static void copyTree(Path from, Path to) {
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
