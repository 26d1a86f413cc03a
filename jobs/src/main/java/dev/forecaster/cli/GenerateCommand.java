package dev.forecaster.cli;

import dev.forecaster.errors.Errors;
import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import dev.forecaster.ingest.BarLength;
import dev.forecaster.ingest.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code generate}: a synthetic market in the landing formats, for demos, tests, benchmarks. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a synthetic market: OUT/prices/SYMBOL.csv and OUT/events/events.csv, in the formats"
          + " of ../shared/data. Deterministic for a seed.",
      "Volatility clustering, fat tails, cross-symbol correlation, missing candles, and"
          + " persistent momentum regimes whose strength --momentum sets (0 = random walk).",
      "--signal S > 0 adds news-led reversals: a burst of a symbol's news is followed by 10 days"
          + " of drift against its 30-day trend (S daily volatilities per day), which the"
          + " point-in-time features show and the naive trend rule does not follow."
    })
final class GenerateCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(GenerateCommand.class);

  @Spec CommandSpec spec;

  static final class Symbols {
    @Option(
        names = "--symbols",
        split = ",",
        paramLabel = "SYMBOL",
        description = "Comma-separated symbols (default: BTC-USD,ETH-USD,XMR-USD).")
    List<String> names;

    @Option(
        names = "--n-symbols",
        paramLabel = "N",
        description = "Generate N symbols named S0001-USD, S0002-USD, ...")
    Integer count;
  }

  @ArgGroup(exclusive = true)
  Symbols symbols;

  @Option(
      names = "--days",
      defaultValue = "730",
      description = "Days of history (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--bar",
      defaultValue = "1h",
      description = "Candle length: 1h, 4h, 1d, ... (default: ${DEFAULT-VALUE}).")
  String bar;

  @Option(
      names = "--seed",
      defaultValue = "7",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--start",
      defaultValue = "2024-01-01",
      description = "Open time of the first candle, UTC (default: ${DEFAULT-VALUE}).")
  String start;

  @Option(
      names = "--momentum",
      defaultValue = "0.5",
      description =
          "Trend-regime drift per day in units of daily volatility; 0 = pure random walk"
              + " (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(
      names = "--signal",
      defaultValue = "0",
      paramLabel = "S",
      description =
          "Strength of the news-led reversals, in daily volatilities per day; 0 = none, the"
              + " market of the other options byte for byte (default: ${DEFAULT-VALUE}; the demo"
              + " uses 1).")
  double signal;

  @Option(
      names = "--missing-rate",
      defaultValue = "0.002",
      description = "Probability that a candle is missing (default: ${DEFAULT-VALUE}).")
  double missingRate;

  @Option(
      names = "--events-per-day",
      defaultValue = "0.6",
      description = "Mean news events per symbol and day (default: ${DEFAULT-VALUE}).")
  double eventsPerDay;

  @Option(
      names = "--market-events-per-day",
      defaultValue = "0.4",
      description = "Mean market-wide events per day (default: ${DEFAULT-VALUE}).")
  double marketEventsPerDay;

  @Option(
      names = "--ai-share",
      defaultValue = "0.15",
      description = "Share of events flagged is_ai (default: ${DEFAULT-VALUE}).")
  double aiShare;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Override
  public Integer call() {
    MarketSpec marketSpec;
    try {
      marketSpec =
          new MarketSpec(
              symbolList(),
              Timestamps.parse(start),
              days,
              BarLength.parseSeconds(bar),
              seed,
              momentum,
              missingRate,
              eventsPerDay,
              marketEventsPerDay,
              aiShare,
              signal);
    } catch (IllegalArgumentException e) {
      throw Errors.invalidOption("generate options", e.getMessage(), "valid values (see --help)");
    }
    SyntheticMarket.Result result;
    try {
      result = new SyntheticMarket(marketSpec).write(out, LOG::info);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + out, e);
    }
    spec.commandLine()
        .getOut()
        .printf(
            "generated %d symbols x %d days (%d candles, %d left missing on purpose, %d events) in %s%n",
            marketSpec.symbols().size(),
            days,
            result.candles(),
            result.missingCandles(),
            result.events(),
            out.toAbsolutePath());
    return 0;
  }

  private List<String> symbolList() {
    if (symbols != null && symbols.count != null) {
      if (symbols.count < 1) {
        throw new IllegalArgumentException("--n-symbols must be >= 1");
      }
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= symbols.count; i++) {
        names.add(String.format("S%04d-USD", i));
      }
      return names;
    }
    if (symbols != null && symbols.names != null) {
      return symbols.names.stream().map(s -> s.trim().toUpperCase(Locale.ROOT)).toList();
    }
    return Arrays.asList("BTC-USD", "ETH-USD", "XMR-USD");
  }
}
