package dev.forecaster.features;

import static dev.forecaster.schema.Columns.CLOSE;
import static dev.forecaster.schema.Columns.SYMBOL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The price features of a grid whose as-ofs share a time of day, read from one daily series per
 * symbol, against the general path that asks P* at every (as-of, j) pair from every candle: hourly
 * and 4-hour candles with gaps shorter and longer than S, a contiguous daily grid and a sparse one,
 * lookbacks shorter and longer than the 30-day grid.
 */
class PriceFeaturesTest {
  private static final long DAY = 86_400L;
  private static final long HOUR = 3_600L;
  private static final long S = 2 * DAY;
  private static final long START = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond();

  @Test
  void theDailySeriesGivesTheFeaturesOfEveryPairAsked() {
    Random random = new Random(20261201);
    List<Row> rows = new ArrayList<>();
    for (String symbol : List.of("AAA-USD", "BBB-USD")) {
      long bar = symbol.equals("AAA-USD") ? HOUR : 4 * HOUR;
      double price = 100;
      for (long close = START + bar; close <= START + 120 * DAY; close += bar) {
        long day = (close - START) / DAY;
        boolean outage = day >= 70 && day < 74; // 4 days without candles: longer than S
        price *= 1 + 0.01 * random.nextGaussian();
        if (!outage && random.nextDouble() > 0.1) {
          rows.add(RowFactory.create(symbol, close, price));
        }
      }
    }
    Dataset<Row> candles =
        TestSpark.session()
            .createDataFrame(
                rows,
                new StructType()
                    .add(SYMBOL, DataTypes.StringType)
                    .add(AsOfPrices.CLOSE_TIME_S, DataTypes.LongType)
                    .add(CLOSE, DataTypes.DoubleType));
    List<Long> contiguous = new ArrayList<>();
    for (long t = START + 20 * DAY; t <= START + 110 * DAY; t += DAY) {
      contiguous.add(t);
    }
    long sixHours = 6 * HOUR;
    List<Long> sparse =
        List.of(
            START + 5 * DAY + sixHours, START + 71 * DAY + sixHours, START + 119 * DAY + sixHours);
    for (List<Long> asOfs : List.of(contiguous, sparse)) {
      long residue = Math.floorMod(asOfs.get(0), DAY);
      Dataset<Row> grid =
          candles
              .select(SYMBOL)
              .distinct()
              .crossJoin(
                  TestSpark.session()
                      .createDataFrame(
                          asOfs.stream().map(t -> RowFactory.create(t)).toList(),
                          new StructType().add(PriceFeatures.T0, DataTypes.LongType)));
      for (int lookback : List.of(7, 60)) {
        Dataset<Row> general = PriceFeatures.compute(candles, grid, lookback, S, false);
        Dataset<Row> series =
            PriceFeatures.compute(
                AsOfPrices.lastOfEachDay(candles, residue), grid, lookback, S, true);
        long n = general.count();
        assertEquals(2L * asOfs.size(), n);
        // Both paths must have features to compare, not only nulls.
        assertTrue(general.filter("price_vol_30d IS NOT NULL").count() > 0);
        assertTrue(general.filter("price_r_7d IS NULL").count() > 0, "the outage leaves holes");
        TestSpark.assertSameRows(general, series);
      }
    }
  }
}
