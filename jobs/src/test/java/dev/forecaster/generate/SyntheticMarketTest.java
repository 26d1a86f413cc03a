package dev.forecaster.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticMarketTest {
  @TempDir Path tmp;

  private static MarketSpec spec(
      List<String> symbols, int days, long bar, long seed, double momentum, double missing) {
    return new MarketSpec(
        symbols, MarketSpec.DEFAULT_START, days, bar, seed, momentum, missing, 0.6, 0.4, 0.15);
  }

  private static List<String> symbols(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(String.format("S%04d-USD", i));
    }
    return out;
  }

  @Test
  void theSameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws IOException {
    MarketSpec a = spec(List.of("BTC-USD", "ETH-USD"), 20, 3_600, 7, 0.5, 0.01);
    new SyntheticMarket(a).write(tmp.resolve("a"), s -> {});
    new SyntheticMarket(a).write(tmp.resolve("b"), s -> {});
    new SyntheticMarket(spec(List.of("BTC-USD", "ETH-USD"), 20, 3_600, 8, 0.5, 0.01))
        .write(tmp.resolve("c"), s -> {});
    for (String f : List.of("prices/BTC-USD.csv", "prices/ETH-USD.csv", "events/events.csv")) {
      assertArrayEquals(
          Files.readAllBytes(tmp.resolve("a").resolve(f)),
          Files.readAllBytes(tmp.resolve("b").resolve(f)),
          f);
    }
    assertFalse(
        java.util.Arrays.equals(
            Files.readAllBytes(tmp.resolve("a/prices/BTC-USD.csv")),
            Files.readAllBytes(tmp.resolve("c/prices/BTC-USD.csv"))));
  }

  @Test
  void pricesFollowTheLandingFormatWithSomeCandlesMissing() throws IOException {
    SyntheticMarket.Result result =
        new SyntheticMarket(spec(List.of("BTC-USD"), 30, 3_600, 1, 0.5, 0.05)).write(tmp, s -> {});
    List<String> lines = Files.readAllLines(tmp.resolve("prices/BTC-USD.csv"));
    assertEquals("timestamp,open,high,low,close,volume", lines.get(0));
    assertEquals(result.candles(), lines.size() - 1);
    assertEquals(30 * 24, result.candles() + result.missingCandles());
    // 720 bars at a 5% rate: 36 expected missing; 10..80 is far outside binomial noise
    assertTrue(
        result.missingCandles() > 10 && result.missingCandles() < 80, "" + result.missingCandles());
    Instant previous = Instant.MIN;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      Instant t = Instant.parse(f[0]);
      assertTrue(t.isAfter(previous));
      assertEquals(0, t.getEpochSecond() % 3_600);
      double open = Double.parseDouble(f[1]),
          high = Double.parseDouble(f[2]),
          low = Double.parseDouble(f[3]),
          close = Double.parseDouble(f[4]);
      assertTrue(low > 0 && low <= open && low <= close && open <= high && close <= high, line);
      assertTrue(Long.parseLong(f[5]) >= 0);
      assertFalse(line.contains("E"), "plain notation: " + line);
      previous = t;
    }
  }

  @Test
  void eventsArePoissonWithSourcesAiShareAndDocumentedIds() throws IOException {
    SyntheticMarket.Result result =
        new SyntheticMarket(spec(symbols(8), 1_000, 86_400, 3, 0.5, 0)).write(tmp, s -> {});
    List<String> lines = Files.readAllLines(tmp.resolve("events/events.csv"));
    assertEquals("event_id,timestamp,source,title,symbols,is_ai", lines.get(0));
    assertEquals(result.events(), lines.size() - 1);
    // expected 8 symbols x 1000 days x 0.6 + 1000 x 0.4 = 5200 events
    assertTrue(Math.abs(result.events() - 5_200) < 520, "" + result.events());
    Pattern symbolsFormat = Pattern.compile("^$|^S\\d{4}-USD(;S\\d{4}-USD)*$");
    long ai = 0, marketWide = 0;
    Instant previous = Instant.MIN;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      assertEquals(6, f.length, line);
      assertEquals(SyntheticMarket.eventId(f[1], f[3]), f[0]);
      Instant t = Instant.parse(f[1]);
      assertFalse(t.isBefore(previous), "sorted by time");
      previous = t;
      assertTrue(SyntheticMarket.SOURCES.contains(f[2]), f[2]);
      assertTrue(symbolsFormat.matcher(f[4]).matches(), f[4]);
      ai += Boolean.parseBoolean(f[5]) ? 1 : 0;
      marketWide += f[4].isEmpty() ? 1 : 0;
    }
    assertEquals(0.15, ai / (double) result.events(), 0.03);
    // 400 market-wide expected; Poisson sd = 20
    assertTrue(Math.abs(marketWide - 400) < 100, "" + marketWide);
  }

  /** Mean over symbols of corr(r7(t), r7(t-7)), with r7 the 7-day log return of daily closes. */
  private double lag7AutocorrelationOf7DayReturns(double momentum) throws IOException {
    Path out = tmp.resolve("m" + momentum);
    new SyntheticMarket(spec(symbols(8), 1_500, 86_400, 11, momentum, 0)).write(out, s -> {});
    double sum = 0;
    for (String symbol : symbols(8)) {
      double[] close = closes(out.resolve("prices/" + symbol + ".csv"));
      List<Double> x = new ArrayList<>(), y = new ArrayList<>();
      for (int t = 14; t < close.length; t++) {
        x.add(Math.log(close[t] / close[t - 7]));
        y.add(Math.log(close[t - 7] / close[t - 14]));
      }
      sum += correlation(x, y);
    }
    return sum / 8;
  }

  @Test
  void momentumRegimesAreLearnableAndAbsentAtZero() throws IOException {
    double none = lag7AutocorrelationOf7DayReturns(0);
    double strong = lag7AutocorrelationOf7DayReturns(1.0);
    assertTrue(Math.abs(none) < 0.08, "momentum 0: " + none);
    assertTrue(strong > 0.3, "momentum 1: " + strong);
  }

  @Test
  void returnsHaveFatTailsVolatilityClusteringAndCrossCorrelation() throws IOException {
    new SyntheticMarket(spec(symbols(2), 1_500, 86_400, 5, 0, 0)).write(tmp, s -> {});
    double[] a = returns(closes(tmp.resolve("prices/S0001-USD.csv")));
    double[] b = returns(closes(tmp.resolve("prices/S0002-USD.csv")));
    double mean = 0, m2 = 0, m4 = 0;
    for (double r : a) mean += r / a.length;
    for (double r : a) {
      m2 += Math.pow(r - mean, 2) / a.length;
      m4 += Math.pow(r - mean, 4) / a.length;
    }
    assertTrue(m4 / (m2 * m2) > 4, "kurtosis " + m4 / (m2 * m2) + " (normal: 3)");
    List<Double> abs = new ArrayList<>(),
        absLag = new ArrayList<>(),
        x = new ArrayList<>(),
        y = new ArrayList<>();
    for (int t = 1; t < a.length; t++) {
      abs.add(Math.abs(a[t]));
      absLag.add(Math.abs(a[t - 1]));
    }
    for (int t = 0; t < a.length; t++) {
      x.add(a[t]);
      y.add(b[t]);
    }
    assertTrue(correlation(abs, absLag) > 0.05, "clustering " + correlation(abs, absLag));
    assertTrue(correlation(x, y) > 0.2, "cross-correlation " + correlation(x, y));
  }

  private static double[] closes(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    double[] out = new double[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) {
      out[i - 1] = Double.parseDouble(lines.get(i).split(",")[4]);
    }
    return out;
  }

  private static double[] returns(double[] close) {
    double[] r = new double[close.length - 1];
    for (int i = 1; i < close.length; i++) {
      r[i - 1] = Math.log(close[i] / close[i - 1]);
    }
    return r;
  }

  private static double correlation(List<Double> x, List<Double> y) {
    int n = x.size();
    double mx = x.stream().mapToDouble(d -> d).average().orElseThrow();
    double my = y.stream().mapToDouble(d -> d).average().orElseThrow();
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x.get(i) - mx) * (y.get(i) - my);
      sxx += Math.pow(x.get(i) - mx, 2);
      syy += Math.pow(y.get(i) - my, 2);
    }
    return sxy / Math.sqrt(sxx * syy);
  }
}
