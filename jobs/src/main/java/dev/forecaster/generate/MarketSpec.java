package dev.forecaster.generate;

import java.time.Instant;
import java.util.List;

/**
 * What {@link SyntheticMarket} generates.
 *
 * @param symbols symbols to generate, e.g. BTC-USD
 * @param start open time of the first candle
 * @param days length of the history in days
 * @param barSeconds candle length in seconds (3600 = hourly)
 * @param seed seed of every random draw: the same spec writes the same bytes
 * @param momentum strength of persistent trend regimes as a daily drift in units of the symbol's
 *     daily volatility; 0 makes every price a driftless random walk
 * @param missingRate probability that a candle is missing from the file
 * @param eventsPerSymbolDay mean number of symbol news events per day (before the boost that large
 *     moves give)
 * @param marketEventsPerDay mean number of market-wide events (empty symbol list) per day
 * @param aiShare probability that an event is flagged is_ai
 * @param signal strength of the news-led reversals (see {@link SyntheticMarket}) as a daily drift
 *     in units of the symbol's daily volatility; 0 (the default) writes no news burst and no
 *     reversal, the market of the other parameters byte for byte
 */
public record MarketSpec(
    List<String> symbols,
    Instant start,
    int days,
    long barSeconds,
    long seed,
    double momentum,
    double missingRate,
    double eventsPerSymbolDay,
    double marketEventsPerDay,
    double aiShare,
    double signal) {

  public static final Instant DEFAULT_START = Instant.parse("2024-01-01T00:00:00Z");

  /** A market without the news-led reversals ({@code signal = 0}). */
  public MarketSpec(
      List<String> symbols,
      Instant start,
      int days,
      long barSeconds,
      long seed,
      double momentum,
      double missingRate,
      double eventsPerSymbolDay,
      double marketEventsPerDay,
      double aiShare) {
    this(
        symbols,
        start,
        days,
        barSeconds,
        seed,
        momentum,
        missingRate,
        eventsPerSymbolDay,
        marketEventsPerDay,
        aiShare,
        0);
  }

  public MarketSpec {
    symbols = List.copyOf(symbols);
    if (symbols.isEmpty()) {
      throw new IllegalArgumentException("at least one symbol is needed");
    }
    if (days < 1) {
      throw new IllegalArgumentException("days must be >= 1");
    }
    if (barSeconds < 60 || 86_400 % barSeconds != 0) {
      throw new IllegalArgumentException("the bar must divide one day and be at least 1 minute");
    }
    if (momentum < 0 || missingRate < 0 || missingRate >= 1 || aiShare < 0 || aiShare > 1) {
      throw new IllegalArgumentException("momentum >= 0, missing rate in [0,1), ai share in [0,1]");
    }
    if (!(signal >= 0 && signal <= 10)) {
      throw new IllegalArgumentException("signal must be in [0, 10] (daily volatilities per day)");
    }
  }

  public long barsPerDay() {
    return 86_400 / barSeconds;
  }
}
