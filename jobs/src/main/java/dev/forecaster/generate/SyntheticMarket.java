package dev.forecaster.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Writes a synthetic market in the landing formats of {@code ../shared/data}: one price CSV per
 * symbol and one events CSV.
 *
 * <p>Log returns per bar are {@code drift + sigma * volatility * shock}: the shock mixes a
 * market-wide and an own Student-t(4) draw (fat tails, cross-symbol correlation); the volatility
 * multiplier is a market and an own log-AR(1) process (volatility clustering); the drift follows
 * persistent Markov regimes (up, flat, down; mean 40 days) scaled by {@link MarketSpec#momentum()},
 * which is what a model can learn. News events are Poisson per symbol and market-wide, more
 * frequent on days with large moves.
 *
 * <p>News-led reversals ({@link MarketSpec#signal()} > 0), the part the naive trend rule cannot
 * follow: on a random day (one in {@value #BURST_MEAN_DAYS} per symbol on average) a symbol gets a
 * burst of its own news ({@value #BURST_MIN_EVENTS} or more events that day), and from the next
 * 00:00 UTC for {@value #REVERSAL_DAYS} days its drift turns against its 30-day trend: {@code
 * -sign(ln(close_d / close_{d-30})) * signal * daily volatility} per day. Both inputs are known at
 * that 00:00 (the burst's events are stamped before it, the 30-day return is {@code price_r_30d}),
 * so a model can learn it from the point-in-time features; the price after that instant plays no
 * part in it. With signal 0 no draw of its own random stream is made, so the market is the same
 * bytes as without it.
 *
 * <p>Prices are simulated one symbol at a time and streamed to their file, so memory holds only the
 * market-wide series and one float per symbol and day; a thousand symbols of hourly bars fit
 * easily.
 */
public final class SyntheticMarket {
  static final List<String> SOURCES =
      List.of(
          "CoinDesk",
          "Cointelegraph",
          "CryptoNews",
          "CryptoPotato",
          "Decrypt",
          "The Block",
          "Reuters",
          "Bloomberg");
  private static final double[] SOURCE_WEIGHTS = {0.3, 0.22, 0.14, 0.12, 0.08, 0.06, 0.05, 0.03};
  private static final Map<String, double[]> KNOWN = // daily volatility, start price
      Map.of(
          "BTC-USD", new double[] {0.030, 42_000},
          "ETH-USD", new double[] {0.038, 2_300},
          "XMR-USD", new double[] {0.042, 165});
  private static final double REGIME_MEAN_DAYS = 40;
  static final int BURST_MEAN_DAYS = 15;
  static final int BURST_MIN_EVENTS = 6;
  static final int REVERSAL_DAYS = 10;
  private static final int TREND_DAYS = 30;
  private static final double LOG_VOL_SD = 0.35;
  private static final double LOG_VOL_DAILY_PERSISTENCE = 0.97;
  private static final double T_DOF = 4;
  private static final MathContext PRICE_DIGITS = new MathContext(10);
  private static final String[] UP_VERBS = {"rallies", "surges", "climbs", "jumps", "gains"};
  private static final String[] DOWN_VERBS = {"slides", "drops", "tumbles", "falls", "slips"};
  private static final String[] TOPICS = {
    "exchange flows", "ETF demand", "regulatory news", "whale transfers", "derivatives data",
    "network upgrade", "macro data", "liquidations", "funding rates", "on-chain activity"
  };

  private final MarketSpec spec;

  public SyntheticMarket(MarketSpec spec) {
    this.spec = spec;
  }

  /** What was written. */
  public record Result(long candles, long missingCandles, long events, List<Path> files) {}

  /** Writes {@code out/prices/SYMBOL.csv} and {@code out/events/events.csv}. */
  public Result write(Path out, Consumer<String> progress) throws IOException {
    Path pricesDir = Files.createDirectories(out.resolve("prices"));
    Path eventsDir = Files.createDirectories(out.resolve("events"));
    int bars = Math.toIntExact(spec.days() * spec.barsPerDay());
    MarketSeries market = MarketSeries.simulate(spec, bars, new SplittableRandom(mix(0x4D4B54)));
    String[] timestamps = new String[bars];
    for (int k = 0; k < bars; k++) {
      timestamps[k] = spec.start().plusSeconds(k * spec.barSeconds()).toString();
    }
    List<Path> files = new ArrayList<>();
    float[][] dailyZ = new float[spec.symbols().size()][];
    boolean[][] bursts = new boolean[spec.symbols().size()][spec.days()];
    long candles = 0;
    long missing = 0;
    for (int i = 0; i < spec.symbols().size(); i++) {
      String symbol = spec.symbols().get(i);
      Path file = pricesDir.resolve(symbol + ".csv");
      long[] counts = new long[2];
      dailyZ[i] = writeSymbol(symbol, i, market, timestamps, file, counts, bursts[i]);
      candles += counts[0];
      missing += counts[1];
      files.add(file);
      if ((i + 1) % 50 == 0 || i + 1 == spec.symbols().size()) {
        progress.accept(
            String.format("prices: %d/%d symbols written", i + 1, spec.symbols().size()));
      }
    }
    Path eventsFile = eventsDir.resolve("events.csv");
    long events = writeEvents(eventsFile, dailyZ, bursts, market);
    files.add(eventsFile);
    progress.accept(String.format("events: %d written", events));
    return new Result(candles, missing, events, List.copyOf(files));
  }

  /** Market-wide series shared by every symbol. */
  private record MarketSeries(float[] shock, float[] logVol, byte[] regime, float[] dailyZ) {
    static MarketSeries simulate(MarketSpec spec, int bars, SplittableRandom rng) {
      float[] shock = new float[bars];
      float[] logVol = new float[bars];
      byte[] regime = new byte[bars];
      float[] dailyZ = new float[spec.days()];
      double phi = Math.pow(LOG_VOL_DAILY_PERSISTENCE, spec.barSeconds() / 86_400.0);
      double switchProb = spec.barSeconds() / (86_400.0 * REGIME_MEAN_DAYS);
      double x = 0;
      int state = rng.nextInt(3) - 1;
      double perBarScale = Math.sqrt(spec.barsPerDay());
      for (int k = 0; k < bars; k++) {
        x = phi * x + Math.sqrt(1 - phi * phi) * LOG_VOL_SD * rng.nextGaussian();
        if (rng.nextDouble() < switchProb) {
          state = otherState(state, rng);
        }
        shock[k] = (float) studentT(rng);
        logVol[k] = (float) x;
        regime[k] = (byte) state;
        dailyZ[(int) (k / spec.barsPerDay())] += (float) (shock[k] / perBarScale);
      }
      return new MarketSeries(shock, logVol, regime, dailyZ);
    }
  }

  private float[] writeSymbol(
      String symbol,
      int index,
      MarketSeries market,
      String[] timestamps,
      Path file,
      long[] counts,
      boolean[] bursts)
      throws IOException {
    SplittableRandom rng = new SplittableRandom(mix(index + 1));
    // Its own stream, so the draws of every other stream are those of a market without it.
    SplittableRandom newsRng = new SplittableRandom(mix(0x4255_5253_0000L + index));
    boolean signal = spec.signal() > 0;
    double[] dailyClose = new double[spec.days()];
    double reversalDrift = 0;
    int reversalDaysLeft = 0;
    double[] known = KNOWN.get(symbol);
    double dailyVol = known != null ? known[0] : 0.03 + 0.04 * rng.nextDouble();
    double price =
        known != null ? known[1] : Math.exp(Math.log(0.05) + rng.nextDouble() * Math.log(1e4));
    double beta = 0.5 + 0.3 * rng.nextDouble();
    double baseVolumeUsd = Math.exp(Math.log(1e6) + rng.nextDouble() * Math.log(1e3));
    double barFraction = spec.barSeconds() / 86_400.0;
    double barVol = dailyVol * Math.sqrt(barFraction);
    double phi = Math.pow(LOG_VOL_DAILY_PERSISTENCE, barFraction);
    double switchProb = barFraction / REGIME_MEAN_DAYS;
    double idiosyncratic = Math.sqrt(1 - beta * beta);
    // E[exp(2x)] = exp(2 var) for x ~ N(0, var): subtracting var keeps E[multiplier^2] = 1.
    double logVolVariance = 2 * LOG_VOL_SD * LOG_VOL_SD;
    double ownLogVol = 0;
    int ownRegime = rng.nextInt(3) - 1;
    int bars = timestamps.length;
    float[] dailyZ = new float[spec.days()];
    double dayReturn = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("timestamp,open,high,low,close,volume\n");
      for (int k = 0; k < bars; k++) {
        ownLogVol = phi * ownLogVol + Math.sqrt(1 - phi * phi) * LOG_VOL_SD * rng.nextGaussian();
        if (rng.nextDouble() < switchProb) {
          ownRegime = otherState(ownRegime, rng);
        }
        double regime = 0.6 * market.regime()[k] + 0.4 * ownRegime;
        double volatility = Math.exp(market.logVol()[k] + ownLogVol - logVolVariance / 2);
        double shock = beta * market.shock()[k] + idiosyncratic * studentT(rng);
        double logReturn =
            spec.momentum() * dailyVol * regime * barFraction + barVol * volatility * shock;
        if (reversalDaysLeft > 0) {
          logReturn += reversalDrift * barFraction;
        }
        double open = price;
        double close = open * Math.exp(logReturn);
        double wick = barVol * volatility * 0.6;
        double high = Math.max(open, close) * Math.exp(wick * Math.abs(rng.nextGaussian()));
        double low = Math.min(open, close) * Math.exp(-wick * Math.abs(rng.nextGaussian()));
        double volume =
            baseVolumeUsd
                * barFraction
                * volatility
                * Math.exp(0.4 * rng.nextGaussian())
                * (1 + 0.5 * Math.abs(shock));
        boolean skip = rng.nextDouble() < spec.missingRate();
        price = close;
        dayReturn += logReturn;
        if ((k + 1) % spec.barsPerDay() == 0) {
          int d = (int) (k / spec.barsPerDay());
          dailyZ[d] = (float) (dayReturn / dailyVol);
          dayReturn = 0;
          dailyClose[d] = close;
          if (reversalDaysLeft > 0) {
            reversalDaysLeft--;
          }
          if (signal && newsRng.nextDouble() < 1.0 / BURST_MEAN_DAYS) {
            // Today's news burst turns the drift against the 30-day trend known at midnight.
            bursts[d] = true;
            double trend = Math.log(close / dailyClose[Math.max(0, d - TREND_DAYS)]);
            reversalDrift = -Math.signum(trend) * spec.signal() * dailyVol;
            reversalDaysLeft = REVERSAL_DAYS;
          }
        }
        if (skip) {
          counts[1]++;
          continue;
        }
        w.write(timestamps[k]);
        w.write(',');
        w.write(plain(open));
        w.write(',');
        w.write(plain(high));
        w.write(',');
        w.write(plain(low));
        w.write(',');
        w.write(plain(close));
        w.write(',');
        w.write(Long.toString(Math.round(volume)));
        w.write('\n');
        counts[0]++;
      }
    }
    return dailyZ;
  }

  private record Event(long epochSecond, String id, String line) {}

  private long writeEvents(Path file, float[][] dailyZ, boolean[][] bursts, MarketSeries market)
      throws IOException {
    SplittableRandom rng = new SplittableRandom(mix(0x455654));
    SplittableRandom burstRng = new SplittableRandom(mix(0x425354));
    long written = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("event_id,timestamp,source,title,symbols,is_ai\n");
      for (int d = 0; d < spec.days(); d++) {
        long dayStart = spec.start().getEpochSecond() + d * 86_400L;
        List<Event> day = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < spec.symbols().size(); i++) {
          double z = dailyZ[i][d];
          // Large moves make news: the mean of 1 + 1.5|z| over N(0,1) is about 2.2.
          double rate = spec.eventsPerSymbolDay() * (1 + 1.5 * Math.min(Math.abs(z), 4)) / 2.2;
          int n = poisson(rate, rng);
          for (int e = 0; e < n; e++) {
            String symbols = spec.symbols().get(i);
            if (spec.symbols().size() > 1 && rng.nextDouble() < 0.1) {
              int other = rng.nextInt(spec.symbols().size());
              if (other != i) {
                symbols = symbols + ";" + spec.symbols().get(other);
              }
            }
            String ticker = spec.symbols().get(i).split("-")[0];
            day.add(event(dayStart, ticker, z, symbols, rng, ids));
          }
          if (bursts[i][d]) {
            int burst = BURST_MIN_EVENTS + poisson(3, burstRng);
            String ticker = spec.symbols().get(i).split("-")[0];
            for (int e = 0; e < burst; e++) {
              day.add(event(dayStart, ticker, z, spec.symbols().get(i), burstRng, ids));
            }
          }
        }
        int marketEvents = poisson(spec.marketEventsPerDay(), rng);
        for (int e = 0; e < marketEvents; e++) {
          day.add(event(dayStart, "Crypto market", market.dailyZ()[d], "", rng, ids));
        }
        day.sort(Comparator.comparingLong(Event::epochSecond).thenComparing(Event::id));
        for (Event e : day) {
          w.write(e.line());
          w.write('\n');
        }
        written += day.size();
      }
    }
    return written;
  }

  private Event event(
      long dayStart,
      String subject,
      double z,
      String symbols,
      SplittableRandom rng,
      Set<String> ids) {
    String[] verbs = z >= 0 ? UP_VERBS : DOWN_VERBS;
    String title =
        subject
            + " "
            + verbs[rng.nextInt(verbs.length)]
            + " as traders weigh "
            + TOPICS[rng.nextInt(TOPICS.length)];
    String source = SOURCES.get(weightedIndex(SOURCE_WEIGHTS, rng));
    boolean ai = rng.nextDouble() < spec.aiShare();
    while (true) {
      long ts = dayStart + rng.nextInt(86_400);
      String timestamp = Instant.ofEpochSecond(ts).toString();
      String id = eventId(timestamp, title);
      if (ids.add(id)) {
        String line = String.join(",", id, timestamp, source, title, symbols, Boolean.toString(ai));
        return new Event(ts, id, line);
      }
    }
  }

  /** The documented id of an event: the first 16 hex chars of SHA-1 of "timestamp|title". */
  public static String eventId(String isoTimestamp, String title) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((isoTimestamp + "|" + title).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }

  private long mix(long stream) {
    // SplitMix64 finaliser: distinct, well-spread seeds for each stream of one spec seed.
    long z = spec.seed() * 0x9E3779B97F4A7C15L + stream;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static int otherState(int state, SplittableRandom rng) {
    int next = rng.nextInt(2) - 1; // -1 or 0
    return next >= state ? next + 1 : next;
  }

  /** Student-t draw scaled to unit variance. */
  private static double studentT(SplittableRandom rng) {
    double chi2 = 0;
    for (int i = 0; i < T_DOF; i++) {
      double g = rng.nextGaussian();
      chi2 += g * g;
    }
    return rng.nextGaussian() / Math.sqrt(chi2 / T_DOF) * Math.sqrt((T_DOF - 2) / T_DOF);
  }

  private static int poisson(double lambda, SplittableRandom rng) {
    double limit = Math.exp(-lambda);
    double product = rng.nextDouble();
    int n = 0;
    while (product > limit) {
      product *= rng.nextDouble();
      n++;
    }
    return n;
  }

  private static int weightedIndex(double[] weights, SplittableRandom rng) {
    double u = rng.nextDouble();
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static String plain(double value) {
    return new BigDecimal(value).round(PRICE_DIGITS).stripTrailingZeros().toPlainString();
  }
}
