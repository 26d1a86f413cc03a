package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forecaster.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every feature and label on a tiny fixture whose values are worked out by hand.
 *
 * <p>A-USD: daily candles; candle k opens 2024-01-01 + k days and closes a day later. At the as-of
 * t = 2024-02-10T00:00Z the newest known candle is k = 39 (closes exactly at t), so d_j is the
 * close of candle 39 - j. The closes are built backwards from d_30 = 100 with daily returns r_j =
 * +10% for even j and -10% for odd j (r_0 = d_0/d_1 - 1 = +10%).
 */
class FeaturesTest {
  static final Instant JAN_1 = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant T = Instant.parse("2024-02-10T00:00:00Z");
  static final long S = 2 * 86_400;
  static Dataset<Row> prices;
  static Dataset<Row> events;

  static final StructType PRICES =
      new StructType()
          .add(SYMBOL, DataTypes.StringType)
          .add(OPEN_TIME, DataTypes.TimestampType)
          .add(BAR_SECONDS, DataTypes.LongType)
          .add(CLOSE, DataTypes.DoubleType);
  static final StructType EVENTS =
      new StructType()
          .add(TS, DataTypes.TimestampType)
          .add(SOURCE, DataTypes.StringType)
          .add(SYMBOLS, DataTypes.createArrayType(DataTypes.StringType))
          .add(IS_AI, DataTypes.BooleanType);

  static Row candle(String symbol, int day, double close) {
    return RowFactory.create(
        symbol, Timestamp.from(JAN_1.plusSeconds(day * 86_400L)), 86_400L, close);
  }

  static Row event(String ts, String source, boolean ai, String... symbols) {
    return RowFactory.create(Timestamp.from(Instant.parse(ts)), source, symbols, ai);
  }

  /** d_j for j = 0..30 as described above. */
  static double[] grid() {
    double[] d = new double[31];
    d[30] = 100;
    for (int j = 29; j >= 0; j--) {
      d[j] = d[j + 1] * (j % 2 == 0 ? 1.1 : 0.9);
    }
    return d;
  }

  @BeforeAll
  static void fixture() {
    SparkSession spark = TestSpark.session();
    double[] d = grid();
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k <= 8; k++) {
      rows.add(candle("A-USD", k, 100)); // before the 30-day grid: only counted
    }
    for (int k = 9; k <= 39; k++) {
      rows.add(candle("A-USD", k, d[39 - k]));
    }
    rows.add(candle("A-USD", 40, d[0] * 1.05)); // closes t + 1d
    rows.add(candle("A-USD", 41, d[0])); // closes t + 2d
    for (int k = 42; k <= 45; k++) {
      rows.add(candle("A-USD", k, 1_000)); // after t: must never move a feature at t
    }
    // B-USD: its newest candle (k = 37) closes 2024-02-08T00:00, exactly t - S: stale at t.
    for (int k = 30; k <= 37; k++) {
      rows.add(candle("B-USD", k, 10 + k));
    }
    rows.add(candle("C-USD", 38, 5)); // closes 2024-02-09
    prices = spark.createDataFrame(rows, PRICES);
    events =
        spark.createDataFrame(
            List.of(
                event("2024-02-10T00:00:00Z", "S9", true, "A-USD"), // exactly at t: excluded
                event("2024-02-09T00:00:00Z", "S1", true, "A-USD"), // exactly t - 1d: included
                event("2024-02-08T12:00:00Z", "S2", false, "A-USD"),
                event("2024-02-03T00:00:00Z", "S1", false), // market-wide, exactly t - 7d
                event("2024-02-02T23:59:59Z", "S3", false, "A-USD"), // just outside 7 days
                event("2024-02-09T18:00:00Z", "S4", false, "B-USD"),
                event("2023-12-01T00:00:00Z", "S5", false, "C-USD")), // older than L = 60 d
            EVENTS);
  }

  static Map<String, Row> featuresAt(Instant asOf) {
    Dataset<Row> asOfs =
        TestSpark.session()
            .createDataFrame(
                List.of(RowFactory.create(Timestamp.from(asOf))),
                new StructType().add(AS_OF, DataTypes.TimestampType));
    Map<String, Row> bySymbol = new HashMap<>();
    for (Row r : Features.compute(prices, events, asOfs, 60, S).collectAsList()) {
      bySymbol.put(r.getString(0), r);
    }
    return bySymbol;
  }

  static Double value(Row r, String column) {
    Object v = r.get(r.fieldIndex(column));
    return v == null ? null : ((Number) v).doubleValue();
  }

  @Test
  void priceFeaturesAtADailyAsOf() {
    Row a = featuresAt(T).get("A-USD");
    assertEquals(60, a.getInt(a.fieldIndex(LOOKBACK_DAYS)));
    // candles k = 0..39 close in (t - 60 d, t]; k >= 40 close after t
    assertEquals(40.0, value(a, PRICE_N_POINTS));
    assertEquals(0.1, value(a, PRICE_R_1D), 1e-12); // 1.1 - 1
    assertEquals(0.089, value(a, PRICE_R_3D), 1e-12); // 1.1 * 0.9 * 1.1 - 1
    assertEquals(0.0673289, value(a, PRICE_R_7D), 1e-12); // 0.99^3 * 1.1 - 1
    assertEquals(-0.0679346520930101, value(a, PRICE_R_14D), 1e-12); // 0.99^7 - 1
    assertEquals(-0.1399416453587116, value(a, PRICE_R_30D), 1e-12); // 0.99^15 - 1
    // {.1, -.1, .1}: mean .1/3, squared deviations sum .02667, / 2, sqrt = .2 / sqrt(3)
    assertEquals(0.11547005383792516, value(a, PRICE_VOL_3D), 1e-12);
    // 4 x .1 and 3 x -.1: (0.07 - 7 (0.1/7)^2) / 6 = 0.0114286, sqrt
    assertEquals(0.10690449676496976, value(a, PRICE_VOL_7D), 1e-12);
    // 15 x .1 and 15 x -.1: mean 0, 0.3 / 29, sqrt
    assertEquals(0.10170952554312157, value(a, PRICE_VOL_30D), 1e-12);
    assertEquals(0.9831920802501751, value(a, PRICE_ZSCORE_1D), 1e-12); // (.1 - 0) / sd
    // peak d_30 = 100; lowest d_1 = 100 * 0.99^14 * 0.9 = 78.187123...
    assertEquals(0.2181287685079195, value(a, PRICE_MAX_DRAWDOWN_30D), 1e-12);
  }

  @Test
  void aCandleIsKnownFromItsCloseTime() {
    // At 12:00 on 2024-02-09 candle 39 (closes 2024-02-10) is unknown: d_0 is candle 38 and
    // r_1d = d_1 / d_2 - 1 of the grid above = 0.9 - 1.
    Row a = featuresAt(Instant.parse("2024-02-09T12:00:00Z")).get("A-USD");
    assertEquals(-0.1, value(a, PRICE_R_1D), 1e-12);
    assertEquals(39.0, value(a, PRICE_N_POINTS));
  }

  @Test
  void stalePricesAreNullButStillCounted() {
    Row b = featuresAt(T).get("B-USD");
    assertNull(value(b, PRICE_R_1D)); // newest close 2024-02-08T00:00 = t - S: too old
    assertNull(value(b, PRICE_VOL_3D));
    assertNull(value(b, PRICE_MAX_DRAWDOWN_30D));
    assertEquals(8.0, value(b, PRICE_N_POINTS)); // k = 30..37
    // One second earlier the same candle is fresh (x - S < c): d_0 = 47 (k = 37). d_1 =
    // P*(02-08 23:59:59) is k = 37 again (newest close in the window), so r_1d = 0; d_3 =
    // P*(02-06 23:59:59) is k = 35, closing 02-06 00:00 at 45.
    Row earlier = featuresAt(T.minusSeconds(1)).get("B-USD");
    assertEquals(0.0, value(earlier, PRICE_R_1D), 1e-12);
    assertEquals(47.0 / 45 - 1, value(earlier, PRICE_R_3D), 1e-12);
  }

  @Test
  void eventWindowsSourcesAiShareAndHoursSince() {
    Map<String, Row> at = featuresAt(T);
    Row a = at.get("A-USD");
    assertEquals(1.0, value(a, EVENT_COUNT_1D)); // 02-09 00:00 (02-10 00:00 is excluded)
    assertEquals(2.0, value(a, EVENT_COUNT_3D)); // + 02-08 12:00
    assertEquals(3.0, value(a, EVENT_COUNT_7D)); // + market-wide 02-03 00:00
    assertEquals(2.0, value(a, EVENT_DISTINCT_SOURCES_7D)); // S1, S2
    assertEquals(1.0 / 3, value(a, EVENT_AI_SHARE_7D), 1e-12);
    assertEquals(24.0, value(a, EVENT_HOURS_SINCE_LAST_EVENT)); // since 02-09 00:00
    Row b = at.get("B-USD");
    assertEquals(1.0, value(b, EVENT_COUNT_1D));
    assertEquals(2.0, value(b, EVENT_COUNT_7D)); // own 02-09 18:00 + market-wide
    assertEquals(2.0, value(b, EVENT_DISTINCT_SOURCES_7D));
    assertEquals(0.0, value(b, EVENT_AI_SHARE_7D));
    assertEquals(6.0, value(b, EVENT_HOURS_SINCE_LAST_EVENT));
    Row c = at.get("C-USD");
    assertEquals(1.0, value(c, EVENT_COUNT_7D)); // the market-wide one
    // its own event is older than L = 60 days: capped at L * 24 hours
    Row cBefore = featuresAt(Instant.parse("2024-01-30T00:00:00Z")).get("C-USD");
    assertEquals(0.0, value(cBefore, EVENT_COUNT_7D));
    assertEquals(0.0, value(cBefore, EVENT_AI_SHARE_7D)); // no events: 0.0, not null
    assertEquals(1_440.0, value(cBefore, EVENT_HOURS_SINCE_LAST_EVENT));
  }

  @Test
  void labelsAndMaturity() {
    Dataset<Row> asOfs =
        TestSpark.session()
            .createDataFrame(
                List.of(RowFactory.create(Timestamp.from(T))),
                new StructType().add(AS_OF, DataTypes.TimestampType));
    // the latest close in the data: candle 45 closes 2024-02-16
    Instant x = JAN_1.plusSeconds(46 * 86_400L);
    Map<Integer, Row> a = new HashMap<>();
    for (Row r :
        Labels.compute(prices, asOfs, List.of(1440, 2880, 10080, 43200), S, x)
            .filter("symbol = 'A-USD'")
            .collectAsList()) {
      a.put(r.getInt(r.fieldIndex(HORIZON_MINUTES)), r);
    }
    assertEquals(0.05, a.get(1440).getDouble(3), 1e-12); // candle 40 = d_0 * 1.05
    assertEquals("up", a.get(1440).getString(4));
    assertEquals(true, a.get(1440).getBoolean(5));
    assertEquals(0.0, a.get(2880).getDouble(3), 1e-12); // candle 41 = d_0
    assertEquals("down", a.get(2880).getString(4)); // up only when > 0
    assertEquals(false, a.get(10080).getBoolean(5)); // t + 7 d = 02-17 is after x
    assertNull(a.get(43200).get(3)); // no candle within S of t + 30 d
    assertNull(a.get(43200).get(4));
    assertEquals(false, a.get(43200).getBoolean(5));
  }
}
