package dev.forecaster.backtest;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forecaster.TestSpark;
import dev.forecaster.forecast.NaiveBaseline;
import dev.forecaster.model.ForestScores;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * ML and naive forecasts paired on the window's samples; a pair missing either forecast is kept but
 * left out of both accuracies (FORECASTING.md section 8).
 */
class BacktestPredictionsTest {
  static Timestamp day(int d) {
    return Timestamp.from(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(86_400L * d));
  }

  static Dataset<Row> paired() {
    SparkSession spark = TestSpark.session();
    Dataset<Row> samples =
        spark.createDataFrame(
            List.of(
                RowFactory.create("A", day(1), 0.02, UP),
                RowFactory.create("A", day(2), -0.01, DOWN),
                RowFactory.create("A", day(3), 0.03, UP),
                RowFactory.create("A", day(4), -0.02, DOWN),
                RowFactory.create("A", day(5), 0.01, UP),
                RowFactory.create("B", day(1), -0.01, DOWN),
                RowFactory.create("B", day(2), -0.04, DOWN)),
            new StructType()
                .add(SYMBOL, DataTypes.StringType)
                .add(AS_OF, DataTypes.TimestampType)
                .add(FUTURE_RETURN, DataTypes.DoubleType)
                .add(DIRECTION, DataTypes.StringType));
    Dataset<Row> ml =
        spark.createDataFrame(
            List.of(
                RowFactory.create("A", day(1), 0.8), // up: right
                RowFactory.create("A", day(2), 0.3), // down: right
                RowFactory.create("A", day(3), 0.4), // down: wrong
                RowFactory.create("A", day(4), 0.9), // up: wrong
                RowFactory.create("A", day(5), 0.7),
                RowFactory.create("B", day(2), 0.2)), // B day 1 has no ML forecast
            new StructType()
                .add(SYMBOL, DataTypes.StringType)
                .add(AS_OF, DataTypes.TimestampType)
                .add(P_UP, DataTypes.DoubleType));
    Dataset<Row> naive =
        spark.createDataFrame(
            List.of(
                naive("A", 1, UP), // right
                naive("A", 2, UP), // wrong
                naive("A", 3, UP), // right
                naive("A", 4, UP), // wrong
                naive("A", 5, null), // no naive forecast
                naive("B", 1, DOWN),
                naive("B", 2, DOWN)), // right
            new StructType()
                .add(SYMBOL, DataTypes.StringType)
                .add(AS_OF, DataTypes.TimestampType)
                .add(NaiveBaseline.NAIVE_DIRECTION, DataTypes.StringType)
                .add(NaiveBaseline.NAIVE_CONFIDENCE, DataTypes.DoubleType)
                .add(NaiveBaseline.NAIVE_EXPECTED_RETURN, DataTypes.DoubleType)
                .add(NaiveBaseline.MEAN_ABS_RETURN, DataTypes.DoubleType)
                .add(NaiveBaseline.NAIVE_MISSING_REASON, DataTypes.StringType));
    return BacktestPredictions.pair(samples, ml, naive);
  }

  static Row naive(String symbol, int d, String direction) {
    return RowFactory.create(
        symbol,
        day(d),
        direction,
        direction == null ? null : 0.6,
        direction == null ? null : 0.01,
        0.05,
        direction == null ? "too few returns" : null);
  }

  @Test
  void pairsCarryBothForecastsAndWhetherEachWasRight() {
    List<Row> rows = paired().orderBy(SYMBOL, AS_OF).collectAsList();
    assertEquals(7, rows.size());
    Row a1 = rows.get(0);
    assertEquals(UP, a1.getAs(BacktestPredictions.ACTUAL_DIRECTION));
    assertEquals(UP, a1.getAs(ForestScores.ML_DIRECTION));
    assertEquals(0.8, a1.<Double>getAs(ForestScores.ML_CONFIDENCE), 1e-12);
    assertEquals(0.03, a1.<Double>getAs(ForestScores.ML_EXPECTED_RETURN), 1e-12); // 0.6 · 0.05
    assertEquals(true, a1.getAs(BacktestPredictions.INCLUDED));
    assertEquals(true, a1.getAs(BacktestPredictions.ML_CORRECT));
    assertEquals(true, a1.getAs(BacktestPredictions.NAIVE_CORRECT));
    Row a5 = rows.get(4);
    assertEquals(false, a5.getAs(BacktestPredictions.INCLUDED));
    assertEquals("too few returns", a5.getAs(NaiveBaseline.NAIVE_MISSING_REASON));
    Row b1 = rows.get(5);
    assertEquals(false, b1.getAs(BacktestPredictions.INCLUDED));
    assertNull(b1.getAs(ForestScores.ML_DIRECTION));
    assertNull(b1.getAs(ForestScores.ML_CONFIDENCE));
  }

  @Test
  void countsLeaveOutPairsMissingAForecast() {
    List<SymbolCounts> counts =
        BacktestPredictions.countsBySymbol(paired()).collectAsList().stream()
            .map(SymbolCounts::of)
            .toList();
    // A: days 1-4 included; ML right on 1, 2; naive right on 1, 3; b = day 2, c = day 3;
    // Brier sum (0.8 - 1)² + 0.3² + (0.4 - 1)² + 0.9² = 0.04 + 0.09 + 0.36 + 0.81 = 1.3; day 5 out
    // B: day 2 included, both right, Brier 0.2² = 0.04; day 1 out
    assertEquals(2, counts.size());
    SymbolCounts a = counts.get(0);
    assertEquals(new SymbolCounts("A", 4, 2, 2, 1, 1, a.brierSum(), 1), a);
    assertEquals(1.3, a.brierSum(), 1e-12);
    SymbolCounts b = counts.get(1);
    assertEquals(new SymbolCounts("B", 1, 1, 1, 0, 0, b.brierSum(), 1), b);
    assertEquals(0.04, b.brierSum(), 1e-12);
  }
}
