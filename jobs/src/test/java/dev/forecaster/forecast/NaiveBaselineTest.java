package dev.forecaster.forecast;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forecaster.TestSpark;
import dev.forecaster.features.AsOfPrices;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The naive baseline of FORECASTING.md section 4 on daily candles with a 5-day lookback, at t =
 * 2024-01-11T00:00Z, staleness S = 2 d. The candle opening on Jan k closes on Jan k+1, so d_j =
 * P*(t - j·d) is the close of the candle opening Jan (10 - j): d_0 is Jan 10's close, d_5 Jan 5's.
 *
 * <p>With h = 1 d: j runs while t - j·d - 1 d >= t - 5 d, i.e. j = 0..4, and R_j = d_j / d_{j+1} -
 * 1. With h = 2 d: j = 0..3 and R_j = d_j / d_{j+2} - 1.
 */
class NaiveBaselineTest {
  static final Instant T = Instant.parse("2024-01-11T00:00:00Z");
  static final long S = 2 * 86_400L;
  static Map<String, Row> oneDay;
  static Map<String, Row> twoDays;
  static Map<String, Row> tenDays;

  static Row candle(String symbol, int janDay, double close) {
    return RowFactory.create(
        symbol,
        Timestamp.from(Instant.parse("2024-01-01T00:00:00Z").plusSeconds((janDay - 1) * 86_400L)),
        86_400L,
        close);
  }

  /** Closes of Jan 5, 6, ..., 10, i.e. d_5, d_4, ..., d_0. */
  static void series(List<Row> rows, String symbol, double... oldestFirst) {
    for (int i = 0; i < oldestFirst.length; i++) {
      if (!Double.isNaN(oldestFirst[i])) {
        rows.add(candle(symbol, 5 + i, oldestFirst[i]));
      }
    }
  }

  @BeforeAll
  static void compute() {
    var spark = TestSpark.session();
    List<Row> rows = new ArrayList<>();
    // A: d_5..d_0 = 100, 90, 100, 105, 100, 110
    series(rows, "A", 100, 90, 100, 105, 100, 110);
    // E: d_5..d_0 = 100, 110, 100, 95, 100, 90
    series(rows, "E", 100, 110, 100, 95, 100, 90);
    // B: d_5, d_4 = 100, 90; the candles of Jan 7 and Jan 8 are missing; d_1, d_0 = 100, 120
    series(rows, "B", 100, 90, Double.NaN, Double.NaN, 100, 120);
    // C: its last candle opened Jan 4 and closed Jan 5 = t - 6 d: stale at every query
    rows.add(candle("C", 3, 50));
    rows.add(candle("C", 4, 55));
    // D: only d_1 and d_0 exist
    series(rows, "D", Double.NaN, Double.NaN, Double.NaN, Double.NaN, 100, 120);
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
    Dataset<Row> grid = AsOfPrices.grid(candles, asOfs);
    List<Row> all =
        NaiveBaseline.compute(candles, grid, List.of(1_440, 2_880, 14_400), 5, S).collectAsList();
    oneDay = byHorizon(all, 1_440);
    twoDays = byHorizon(all, 2_880);
    tenDays = byHorizon(all, 14_400);
    assertEquals(5 * 3, all.size()); // every symbol and horizon gets a row
  }

  static Map<String, Row> byHorizon(List<Row> rows, int h) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : rows) {
      if (r.<Integer>getAs(HORIZON_MINUTES) == h) {
        assertEquals(Timestamp.from(T), r.getAs(AS_OF));
        assertEquals(5, r.<Integer>getAs(LOOKBACK_DAYS));
        out.put(r.getAs(SYMBOL), r);
      }
    }
    return out;
  }

  static double value(Row r, String column) {
    return ((Number) r.getAs(column)).doubleValue();
  }

  static void assertNoForecast(Row r, long returns) {
    assertNull(r.getAs(NaiveBaseline.NAIVE_EXPECTED_RETURN));
    assertNull(r.getAs(NaiveBaseline.NAIVE_DIRECTION));
    assertNull(r.getAs(NaiveBaseline.NAIVE_CONFIDENCE));
    assertEquals(returns, r.<Long>getAs(NaiveBaseline.NAIVE_N_RETURNS));
    assertEquals(
        "naive baseline needs at least 2 historical "
            + r.getAs(HORIZON_MINUTES)
            + "-minute returns in the 5-day lookback, found "
            + returns,
        r.getAs(NaiveBaseline.NAIVE_MISSING_REASON));
  }

  @Test
  void oneDayReturnsOfARisingSeries() {
    // R_0 = 110/100 - 1 = 0.1, R_1 = 100/105 - 1 = -1/21, R_2 = 105/100 - 1 = 0.05,
    // R_3 = 100/90 - 1 = 1/9, R_4 = 90/100 - 1 = -0.1
    // mean = (0.1 - 0.0476190476 + 0.05 + 0.1111111111 - 0.1) / 5 = 0.1134920635 / 5
    // up; 3 of 5 R_j > 0; mean |R_j| = 0.4087301587 / 5
    Row a = oneDay.get("A");
    assertEquals(0.0226984127, value(a, NaiveBaseline.NAIVE_EXPECTED_RETURN), 1e-10);
    assertEquals(UP, a.getAs(NaiveBaseline.NAIVE_DIRECTION));
    assertEquals(0.6, value(a, NaiveBaseline.NAIVE_CONFIDENCE), 1e-12);
    assertEquals(5L, a.<Long>getAs(NaiveBaseline.NAIVE_N_RETURNS));
    assertEquals(0.0817460317, value(a, NaiveBaseline.MEAN_ABS_RETURN), 1e-10);
    assertNull(a.getAs(NaiveBaseline.NAIVE_MISSING_REASON));
  }

  @Test
  void twoDayReturnsCountAZeroReturnAgainstUp() {
    // R_0 = 110/105 - 1 = 0.0476190476, R_1 = 100/100 - 1 = 0, R_2 = 105/90 - 1 = 0.1666666667,
    // R_3 = 100/100 - 1 = 0; mean = 0.2142857143 / 4 = 0.0535714286: up, 2 of 4 are > 0
    Row a = twoDays.get("A");
    assertEquals(0.0535714286, value(a, NaiveBaseline.NAIVE_EXPECTED_RETURN), 1e-10);
    assertEquals(UP, a.getAs(NaiveBaseline.NAIVE_DIRECTION));
    assertEquals(0.5, value(a, NaiveBaseline.NAIVE_CONFIDENCE), 1e-12);
    assertEquals(4L, a.<Long>getAs(NaiveBaseline.NAIVE_N_RETURNS));
  }

  @Test
  void aFallingSeriesForecastsDownWithTheShareOfNonPositiveReturns() {
    // 1 d: R = 90/100 - 1 = -0.1, 100/95 - 1 = 0.0526315789, 95/100 - 1 = -0.05,
    // 100/110 - 1 = -0.0909090909, 110/100 - 1 = 0.1; mean = -0.0882775120 / 5; 3 of 5 <= 0
    Row e = oneDay.get("E");
    assertEquals(-0.0176555024, value(e, NaiveBaseline.NAIVE_EXPECTED_RETURN), 1e-10);
    assertEquals(DOWN, e.getAs(NaiveBaseline.NAIVE_DIRECTION));
    assertEquals(0.6, value(e, NaiveBaseline.NAIVE_CONFIDENCE), 1e-12);
    // 2 d: 90/95 - 1 = -0.0526315789, 100/100 - 1 = 0, 95/110 - 1 = -0.1363636364, 100/100 - 1 = 0
    // mean = -0.1889952153 / 4 = -0.0472488038: down, and all 4 are <= 0
    Row e2 = twoDays.get("E");
    assertEquals(-0.0472488038, value(e2, NaiveBaseline.NAIVE_EXPECTED_RETURN), 1e-10);
    assertEquals(DOWN, e2.getAs(NaiveBaseline.NAIVE_DIRECTION));
    assertEquals(1.0, value(e2, NaiveBaseline.NAIVE_CONFIDENCE), 1e-12);
  }

  @Test
  void missingCandlesSkipTheirReturnsAndAStaleOneFillsWithinTheTolerance() {
    // B lacks the candles closing t - 2 d and t - 3 d. d_2 = P*(t - 2 d) needs a close in
    // (t - 4 d, t - 2 d]: none, so null. d_3 = P*(t - 3 d) takes the close at t - 4 d (inside
    // (t - 5 d, t - 3 d]) = d_4 = 90.
    // R_0 = 120/100 - 1 = 0.2, R_1 = d_1/d_2: null, R_2 = d_2/d_3: null, R_3 = 90/90 - 1 = 0,
    // R_4 = 90/100 - 1 = -0.1: 3 returns, mean 0.1 / 3: up, and only 1 of 3 is > 0
    Row b = oneDay.get("B");
    assertEquals(3L, b.<Long>getAs(NaiveBaseline.NAIVE_N_RETURNS));
    assertEquals(0.1 / 3, value(b, NaiveBaseline.NAIVE_EXPECTED_RETURN), 1e-12);
    assertEquals(UP, b.getAs(NaiveBaseline.NAIVE_DIRECTION));
    assertEquals(1.0 / 3, value(b, NaiveBaseline.NAIVE_CONFIDENCE), 1e-12);
    assertEquals(0.1, value(b, NaiveBaseline.MEAN_ABS_RETURN), 1e-12); // (0.2 + 0 + 0.1) / 3
  }

  @Test
  void fewerThanTwoReturnsGiveNoForecastAndSayWhy() {
    // C's newest close is at t - 6 d: d_5 = P*(t - 5 d) = 55, but d_0..d_4 are null (no close in
    // (x - 2 d, x]), so every R_j is null
    assertNoForecast(oneDay.get("C"), 0);
    assertNull(oneDay.get("C").getAs(NaiveBaseline.MEAN_ABS_RETURN));
    // D: only R_0 = 120/100 - 1 (d_2 onwards are null)
    assertNoForecast(oneDay.get("D"), 1);
    assertEquals(0.2, value(oneDay.get("D"), NaiveBaseline.MEAN_ABS_RETURN), 1e-12);
    // a horizon longer than the lookback (10 d > 5 d) has no R_j at all
    assertNoForecast(tenDays.get("A"), 0);
  }
}
