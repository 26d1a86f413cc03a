package dev.forecaster.forecast;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.features.AsOfPrices;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regime of FORECASTING.md section 6 at t = 2024-02-10T00:00Z on daily candles: d_j is the close of
 * the candle opening t - (j + 1) d, for j = 0..29. For the regression x_j = -j, so x̄ = -14.5 and
 * Sxx = Σ (j - 14.5)² = (30³ - 30) / 12 = 2247.5.
 */
class RegimesTest {
  static final Instant T = Instant.parse("2024-02-10T00:00:00Z");
  static Map<String, Row> regimes;

  static void series(List<Row> rows, String symbol, int fromJ, IntToDoubleFunction logPrice) {
    for (int j = fromJ; j >= 0; j--) {
      rows.add(
          RowFactory.create(
              symbol,
              Timestamp.from(T.minusSeconds((j + 1) * 86_400L)),
              86_400L,
              100 * Math.exp(logPrice.applyAsDouble(j))));
    }
  }

  @BeforeAll
  static void compute() {
    var spark = TestSpark.session();
    List<Row> rows = new ArrayList<>();
    // U: ln d_j = ln 100 - 0.002 j + 0.01 (-1)^j (a zig-zag around a rising line)
    IntToDoubleFunction up = j -> -0.002 * j + 0.01 * (j % 2 == 0 ? 1 : -1);
    series(rows, "U", 29, up);
    series(rows, "D", 29, j -> 0.003 * j); // older prices higher: falling
    series(rows, "C", 29, j -> -0.001 * j);
    series(rows, "M", 28, up); // the candle of d_29 is missing (and nothing older exists)
    Dataset<Row> prices =
        spark.createDataFrame(
            rows,
            new StructType()
                .add(SYMBOL, DataTypes.StringType)
                .add(OPEN_TIME, DataTypes.TimestampType)
                .add(BAR_SECONDS, DataTypes.LongType)
                .add(CLOSE, DataTypes.DoubleType));
    Dataset<Row> candles = AsOfPrices.candles(prices);
    Dataset<Row> asOfs =
        spark.createDataFrame(
            List.of(RowFactory.create(Timestamp.from(T))),
            new StructType().add(AS_OF, DataTypes.TimestampType));
    ForecasterConfig.Regime thresholds = ConfigLoader.defaults().regime();
    regimes = new HashMap<>();
    for (Row r :
        Regimes.compute(
                candles,
                AsOfPrices.grid(candles, asOfs),
                2 * 86_400L,
                thresholds.upThreshold(),
                thresholds.downThreshold())
            .collectAsList()) {
      assertEquals(Timestamp.from(T), r.getAs(AS_OF));
      regimes.put(r.getAs(SYMBOL), r);
    }
    assertEquals(0.05, thresholds.upThreshold());
    assertEquals(-0.05, thresholds.downThreshold());
  }

  static double score(String symbol) {
    return regimes.get(symbol).<Double>getAs(REGIME_SCORE);
  }

  @Test
  void aLeastSquaresSlopeNotTheEndpoints() {
    // y = 0.002 x + 0.01 (-1)^j: slope = 0.002 + 0.01 · Σ (x_j - x̄)(-1)^j / Sxx, and
    // Σ (x_j - x̄)(-1)^j = -Σ j (-1)^j = -(0 - 1 + 2 - ... - 29) = 15, so
    // slope = 0.002 + 0.15 / 2247.5 = 0.0020667408; score = 30 · slope = 0.0620022247 > 0.05.
    // (The endpoints would give 30 · (0.01 - (-0.058 - 0.01)) / 29 = 0.0807.)
    assertEquals(0.0620022247, score("U"), 1e-9);
    assertEquals(Regimes.UPTREND, regimes.get("U").getAs(REGIME));
  }

  @Test
  void fallingAndFlatSeries() {
    assertEquals(-0.09, score("D"), 1e-9); // 30 · -0.003 < -0.05
    assertEquals(Regimes.DOWNTREND, regimes.get("D").getAs(REGIME));
    assertEquals(0.03, score("C"), 1e-9); // 30 · 0.001, inside [-0.05, 0.05]
    assertEquals(Regimes.CHOP, regimes.get("C").getAs(REGIME));
  }

  @Test
  void fewerThanThirtyPricesHaveNoRegime() {
    assertNull(regimes.get("M").getAs(REGIME_SCORE));
    assertNull(regimes.get("M").getAs(REGIME));
  }
}
