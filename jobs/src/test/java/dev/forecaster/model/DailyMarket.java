package dev.forecaster.model;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import dev.forecaster.ingest.IngestJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A generated market of daily candles (no missing candle) for 4 symbols from 2024-01-01, ingested
 * into a warehouse with small forests (20 trees of depth 5) and one horizon, 7 d. With no missing
 * candle the sample as-ofs are plain date arithmetic: the first sample is 2024-01-09 (the first
 * as-of with d_7, the close of 2024-01-01's candle), the last is 7 d before the last close.
 */
public final class DailyMarket {
  public static final List<String> SYMBOLS =
      List.of("S0001-USD", "S0002-USD", "S0003-USD", "S0004-USD");
  public static final int H = 10_080;

  private DailyMarket() {}

  /** Writes the market under {@code root/market} and ingests it into {@code root/warehouse}. */
  public static ForecasterConfig ingest(Path root, int days, long seed, double momentum) {
    try {
      new SyntheticMarket(
              new MarketSpec(
                  SYMBOLS,
                  MarketSpec.DEFAULT_START,
                  days,
                  86_400,
                  seed,
                  momentum,
                  0.0,
                  0.3,
                  0.2,
                  0.15))
          .write(root.resolve("market"), s -> {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ForecasterConfig config = config(root.resolve("warehouse"));
    new IngestJob(
            TestSpark.session(),
            config,
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
        .run(
            new IngestJob.Request(
                Optional.of(root.resolve("market/prices").toString()),
                Optional.of(root.resolve("market/events").toString()),
                OptionalLong.of(86_400)));
    return config;
  }

  /** The test settings on a warehouse. */
  public static ForecasterConfig config(Path warehouse) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("warehouse", warehouse.toString());
    overrides.put("horizons-minutes", List.of(H));
    overrides.put("model.random-forest.num-trees", 20);
    overrides.put("model.random-forest.max-depth", 5);
    return ConfigLoader.load(null, overrides);
  }
}
