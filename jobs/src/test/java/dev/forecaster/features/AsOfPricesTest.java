package dev.forecaster.features;

import static dev.forecaster.schema.Columns.CLOSE;
import static dev.forecaster.schema.Columns.SYMBOL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * P* and the count of known candles from the last candle of each day ({@link
 * AsOfPrices#lastOfEachDay}) against every candle, and both against a brute-force loop over the
 * candles, for queries at one time of day: hourly and 4-hour candles with gaps shorter and longer
 * than S, candles closing exactly at a query instant, and a symbol without candles.
 */
class AsOfPricesTest {
  private static final long DAY = 86_400L;
  private static final long HOUR = 3_600L;
  private static final long S = 2 * DAY;
  private static final long START = Instant.parse("2025-03-01T00:00:00Z").getEpochSecond();

  private record Candle(String symbol, long close, double price) {}

  @Test
  void theLastCandleOfEachDayAnswersQueriesAtThatTimeOfDayAsAllCandlesDo() {
    Random random = new Random(20261130);
    List<Candle> candles = new ArrayList<>();
    for (String symbol : List.of("AAA-USD", "BBB-USD")) {
      long bar = symbol.equals("AAA-USD") ? HOUR : 4 * HOUR;
      for (long close = START + bar; close <= START + 30 * DAY; close += bar) {
        long day = (close - START) / DAY;
        boolean outage = day >= 9 && day < 13; // 4 days without candles: longer than S
        if (!outage && random.nextDouble() > 0.15) {
          candles.add(new Candle(symbol, close, 100 + random.nextGaussian()));
        }
      }
    }
    StructType schema =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(AsOfPrices.CLOSE_TIME_S, DataTypes.LongType)
            .add(CLOSE, DataTypes.DoubleType);
    Dataset<Row> all =
        TestSpark.session()
            .createDataFrame(
                candles.stream()
                    .map(c -> RowFactory.create(c.symbol(), c.close(), c.price()))
                    .toList(),
                schema);
    for (long residue : List.of(0L, 6 * HOUR)) {
      List<Row> queries = new ArrayList<>();
      for (String symbol : List.of("AAA-USD", "BBB-USD", "NONE-USD")) {
        for (long at = START + residue - DAY; at <= START + 33 * DAY; at += DAY) {
          queries.add(RowFactory.create(symbol, at));
        }
      }
      Dataset<Row> asked =
          TestSpark.session()
              .createDataFrame(
                  queries,
                  new StructType()
                      .add(SYMBOL, DataTypes.StringType)
                      .add(AsOfPrices.AT_S, DataTypes.LongType));
      Map<String, Row> everyCandle = byQuery(AsOfPrices.at(all, asked, S));
      Map<String, Row> lastOfDay =
          byQuery(AsOfPrices.at(AsOfPrices.lastOfEachDay(all, residue), asked, S));
      assertEquals(queries.size(), everyCandle.size());
      assertEquals(queries.size(), lastOfDay.size());
      int priced = 0;
      for (Row q : queries) {
        String symbol = q.getString(0);
        long at = q.getLong(1);
        String key = symbol + "@" + at;
        Double expectedPrice = null;
        long latest = Long.MIN_VALUE;
        long known = 0;
        for (Candle c : candles) {
          if (c.symbol().equals(symbol) && c.close() <= at) {
            known++;
            if (c.close() > latest) {
              latest = c.close();
              expectedPrice = c.close() > at - S ? c.price() : null;
            }
          }
        }
        priced += expectedPrice == null ? 0 : 1;
        for (Map<String, Row> result : List.of(everyCandle, lastOfDay)) {
          Row r = result.get(key);
          assertEquals(expectedPrice, r.isNullAt(2) ? null : r.getDouble(2), key);
          assertEquals(known, r.getLong(3), key);
        }
      }
      assertTrue(priced > 40 && priced < queries.size(), "queries with a price: " + priced);
    }
  }

  @Test
  void queriesShareATimeOfDayOnlyWhenEveryAsOfDoesAndEveryHorizonIsWholeDays() {
    Instant midnight = Instant.parse("2025-03-01T00:00:00Z");
    Instant nextMidnight = Instant.parse("2025-03-02T00:00:00Z");
    Instant six = Instant.parse("2025-03-02T06:00:00Z");
    assertEquals(
        OptionalLong.of(0), AsOfPrices.dailyResidue(List.of(midnight, nextMidnight), List.of()));
    assertEquals(
        OptionalLong.of(0),
        AsOfPrices.dailyResidue(List.of(midnight), List.of(1440, 10_080, 43_200)));
    assertEquals(OptionalLong.of(6 * HOUR), AsOfPrices.dailyResidue(List.of(six), List.of(1440)));
    assertEquals(OptionalLong.empty(), AsOfPrices.dailyResidue(List.of(midnight, six), List.of()));
    assertEquals(OptionalLong.empty(), AsOfPrices.dailyResidue(List.of(midnight), List.of(240)));
    assertEquals(OptionalLong.empty(), AsOfPrices.dailyResidue(List.of(), List.of(1440)));
  }

  private static Map<String, Row> byQuery(Dataset<Row> prices) {
    Map<String, Row> out = new HashMap<>();
    for (Row r :
        prices
            .select(SYMBOL, AsOfPrices.AT_S, AsOfPrices.PRICE, AsOfPrices.KNOWN)
            .collectAsList()) {
      out.put(r.getString(0) + "@" + r.getLong(1), r);
    }
    return out;
  }
}
