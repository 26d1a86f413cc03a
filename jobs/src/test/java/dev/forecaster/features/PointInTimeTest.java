package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Properties of the feature path: no lookahead, and the same prices at any bar length. */
class PointInTimeTest {
  static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
  static final long S = 2 * 86_400;
  static final int CASES = 40;
  static final int HOURS = 60 * 24;

  record Candle(String symbol, long open, long bar, double close) {
    Row row() {
      return RowFactory.create(symbol, Timestamp.from(Instant.ofEpochSecond(open)), bar, close);
    }
  }

  record Event(String symbol, long ts, String source, boolean ai) {
    Row row() {
      return RowFactory.create(
          Timestamp.from(Instant.ofEpochSecond(ts)), source, new String[] {symbol}, ai);
    }
  }

  /** Hourly random-walk candles with some missing, for one symbol. */
  static List<Candle> hourly(String symbol, SplittableRandom rng) {
    List<Candle> out = new ArrayList<>();
    double price = 100;
    for (int h = 0; h < HOURS; h++) {
      price *= Math.exp(0.01 * rng.nextGaussian());
      if (rng.nextDouble() > 0.02) {
        out.add(new Candle(symbol, START.getEpochSecond() + h * 3_600L, 3_600, price));
      }
    }
    return out;
  }

  static List<Event> events(String symbol, SplittableRandom rng) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      long ts = START.getEpochSecond() + rng.nextLong(HOURS * 3_600L);
      out.add(new Event(symbol, ts, "S" + rng.nextInt(4), rng.nextBoolean()));
    }
    return out;
  }

  static Map<String, Row> compute(List<Candle> candles, List<Event> events, List<Instant> asOfs) {
    var spark = TestSpark.session();
    Dataset<Row> prices =
        spark.createDataFrame(candles.stream().map(Candle::row).toList(), FeaturesTest.PRICES);
    Dataset<Row> ev =
        spark.createDataFrame(events.stream().map(Event::row).toList(), FeaturesTest.EVENTS);
    Dataset<Row> grid =
        spark.createDataFrame(
            asOfs.stream().map(t -> RowFactory.create(Timestamp.from(t))).toList(),
            new StructType().add(AS_OF, DataTypes.TimestampType));
    Map<String, Row> out = new HashMap<>();
    for (Row r : Features.compute(prices, ev, grid, 40, S).collectAsList()) {
      out.put(r.getString(0) + "@" + r.getTimestamp(1).toInstant(), r);
    }
    return out;
  }

  static List<Object> features(Row r) {
    List<Object> values = new ArrayList<>();
    FEATURES.forEach(f -> values.add(r.get(r.fieldIndex(f))));
    return values;
  }

  /**
   * Each case is its own symbol with its own random as-of t. Changing what is unknown at t (candles
   * closing after t, events at or after t) must leave the features at t as they are; changing the
   * newest known candle and event must change them.
   */
  @Test
  void lookaheadCanary() {
    SplittableRandom rng = new SplittableRandom(2024);
    List<Candle> base = new ArrayList<>(), future = new ArrayList<>(), known = new ArrayList<>();
    List<Event> baseEvents = new ArrayList<>(),
        futureEvents = new ArrayList<>(),
        knownEvents = new ArrayList<>();
    List<Instant> asOfs = new ArrayList<>();
    Map<String, Instant> asOfOf = new HashMap<>();
    for (int c = 0; c < CASES; c++) {
      String symbol = "C" + c;
      // any instant, not only midnight: between day 35 and day 55, to the second
      long t = START.getEpochSecond() + 35 * 86_400L + rng.nextLong(20 * 86_400L);
      asOfs.add(Instant.ofEpochSecond(t));
      asOfOf.put(symbol, Instant.ofEpochSecond(t));
      List<Candle> candles = hourly(symbol, rng);
      List<Event> events = events(symbol, rng);
      events.add(new Event(symbol, t, "S9", true)); // exactly at t: unknown
      base.addAll(candles);
      baseEvents.addAll(events);
      Candle newestKnown = null;
      for (Candle k : candles) {
        boolean closesAfter = k.open() + k.bar() > t;
        future.add(
            closesAfter
                ? new Candle(symbol, k.open(), k.bar(), k.close() * (1 + rng.nextDouble()))
                : k);
        if (!closesAfter) {
          newestKnown = k;
        }
      }
      for (Candle k : candles) {
        known.add(k == newestKnown ? new Candle(symbol, k.open(), k.bar(), k.close() * 1.5) : k);
      }
      Event newestEvent = null;
      for (Event e : events) {
        futureEvents.add(e.ts() >= t ? new Event(symbol, e.ts(), "X", !e.ai()) : e);
        if (e.ts() < t && (newestEvent == null || e.ts() > newestEvent.ts())) {
          newestEvent = e;
        }
      }
      futureEvents.add(new Event(symbol, t + rng.nextLong(86_400), "Y", true));
      for (Event e : events) {
        knownEvents.add(
            e == newestEvent ? new Event(symbol, e.ts() - 3_600, e.source(), e.ai()) : e);
      }
    }
    Map<String, Row> original = compute(base, baseEvents, asOfs);
    Map<String, Row> afterFutureChanges = compute(future, futureEvents, asOfs);
    Map<String, Row> afterKnownChanges = compute(known, knownEvents, asOfs);
    int checked = 0;
    for (int c = 0; c < CASES; c++) {
      String key = "C" + c + "@" + asOfOf.get("C" + c);
      Row o = Objects.requireNonNull(original.get(key), key);
      assertEquals(features(o), features(afterFutureChanges.get(key)), "lookahead at " + key);
      Row k = afterKnownChanges.get(key);
      assertNotEquals(o.get(o.fieldIndex(PRICE_R_1D)), k.get(k.fieldIndex(PRICE_R_1D)), key);
      assertNotEquals(
          o.get(o.fieldIndex(EVENT_HOURS_SINCE_LAST_EVENT)),
          k.get(k.fieldIndex(EVENT_HOURS_SINCE_LAST_EVENT)),
          key);
      checked++;
    }
    assertEquals(CASES, checked);
  }

  /** Daily candles built from hourly ones give the same price features at midnight as-ofs. */
  @Test
  void hourlyAndDailyCandlesGiveTheSamePriceFeatures() {
    SplittableRandom rng = new SplittableRandom(7);
    List<Candle> hourly = new ArrayList<>(hourly("H", rng));
    List<Candle> daily = new ArrayList<>();
    Map<Long, Candle> lastOfDay = new HashMap<>();
    for (Candle k : hourly) {
      long day = Math.floorDiv(k.open() - START.getEpochSecond(), 86_400L);
      lastOfDay.put(day, k); // hourly candles are in time order: the last one wins
    }
    lastOfDay.forEach(
        (day, k) ->
            daily.add(new Candle("H", START.getEpochSecond() + day * 86_400L, 86_400, k.close())));
    List<Instant> asOfs = new ArrayList<>();
    for (int d = 32; d <= 59; d++) {
      asOfs.add(START.plusSeconds(d * 86_400L));
    }
    Map<String, Row> fromHourly = compute(hourly, List.of(), asOfs);
    Map<String, Row> fromDaily = compute(daily, List.of(), asOfs);
    assertEquals(asOfs.size(), fromHourly.size());
    for (Instant t : asOfs) {
      Row h = fromHourly.get("H@" + t), d = fromDaily.get("H@" + t);
      for (String f : FEATURES) {
        if (f.startsWith("price_") && !f.equals(PRICE_N_POINTS)) {
          Object hv = h.get(h.fieldIndex(f)), dv = d.get(d.fieldIndex(f));
          if (hv == null || dv == null) {
            assertEquals(hv, dv, f + " at " + t);
          } else {
            assertEquals((Double) dv, (Double) hv, 1e-12, f + " at " + t);
          }
        }
      }
      assertTrue(h.getLong(h.fieldIndex(PRICE_N_POINTS)) > d.getLong(d.fieldIndex(PRICE_N_POINTS)));
    }
  }
}
