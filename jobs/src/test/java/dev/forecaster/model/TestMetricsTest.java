package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forecaster.TestSpark;
import dev.forecaster.forecast.NaiveBaseline;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Test-split metrics and the ML forecast's arithmetic (FORECASTING.md section 5) by hand. */
class TestMetricsTest {
  static Timestamp day(int d) {
    return Timestamp.from(Instant.parse("2024-03-01T00:00:00Z").plusSeconds(86_400L * d));
  }

  @Test
  void accuracyBrierConfusionAndBalanceOfTheTestSplit() {
    var spark = TestSpark.session();
    Dataset<Row> scored =
        spark.createDataFrame(
            List.of(
                RowFactory.create("A", day(1), 0.9), // up, actual up: true up
                RowFactory.create("A", day(2), 0.6), // up, actual down: false up
                RowFactory.create("A", day(3), 0.2), // down, actual down: true down
                RowFactory.create("B", day(1), 0.4), // down, actual up: false down
                RowFactory.create("B", day(2), 0.7), // up, actual up: true up
                RowFactory.create("B", day(9), 0.5)), // not a test sample: ignored
            new StructType()
                .add(SYMBOL, DataTypes.StringType)
                .add(AS_OF, DataTypes.TimestampType)
                .add(P_UP, DataTypes.DoubleType));
    Dataset<Row> test =
        spark.createDataFrame(
            List.of(
                RowFactory.create("A", day(1), 1.0),
                RowFactory.create("A", day(2), 0.0),
                RowFactory.create("A", day(3), 0.0),
                RowFactory.create("B", day(1), 1.0),
                RowFactory.create("B", day(2), 1.0)),
            new StructType()
                .add(SYMBOL, DataTypes.StringType)
                .add(AS_OF, DataTypes.TimestampType)
                .add(Samples.LABEL, DataTypes.DoubleType));
    JsonNode m = TestMetrics.of(scored, test);
    assertEquals(5, m.get("n").asLong());
    assertEquals(0.6, m.get("accuracy").asDouble(), 1e-12); // 3 of 5
    // (0.1² + 0.6² + 0.2² + 0.6² + 0.3²) / 5 = (0.01 + 0.36 + 0.04 + 0.36 + 0.09) / 5 = 0.172
    assertEquals(0.172, m.get("brier").asDouble(), 1e-12);
    JsonNode c = m.get("confusion");
    assertEquals(2, c.get("true_up").asLong());
    assertEquals(1, c.get("false_up").asLong());
    assertEquals(1, c.get("true_down").asLong());
    assertEquals(1, c.get("false_down").asLong());
    assertEquals(3, m.get("class_balance").get("up").asLong());
    assertEquals(2, m.get("class_balance").get("down").asLong());
    assertEquals(3, m.get("per_symbol").get("A").get("n").asLong());
    assertEquals(2.0 / 3, m.get("per_symbol").get("A").get("accuracy").asDouble(), 1e-12);
    assertEquals(0.5, m.get("per_symbol").get("B").get("accuracy").asDouble(), 1e-12);
  }

  @Test
  void anEmptyTestSplitHasNoAccuracy() {
    var spark = TestSpark.session();
    StructType keys =
        new StructType().add(SYMBOL, DataTypes.StringType).add(AS_OF, DataTypes.TimestampType);
    JsonNode m =
        TestMetrics.of(
            spark.createDataFrame(List.of(), keys.add(P_UP, DataTypes.DoubleType)),
            spark.createDataFrame(List.of(), keys.add(Samples.LABEL, DataTypes.DoubleType)));
    assertEquals(0, m.get("n").asLong());
    assertEquals(true, m.get("accuracy").isNull());
    assertEquals(true, m.get("brier").isNull());
    assertEquals(0, m.get("per_symbol").size());
  }

  @Test
  void theMlForecastFollowsPUp() {
    var spark = TestSpark.session();
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(
                RowFactory.create("A", 0.8, 0.05),
                RowFactory.create("B", 0.5, 0.05),
                RowFactory.create("C", 0.25, 0.04)),
            new StructType()
                .add(SYMBOL, DataTypes.StringType)
                .add(P_UP, DataTypes.DoubleType)
                .add(NaiveBaseline.MEAN_ABS_RETURN, DataTypes.DoubleType));
    List<Row> out =
        ForestScores.withForecast(rows)
            .select(
                ForestScores.ML_DIRECTION,
                ForestScores.ML_CONFIDENCE,
                ForestScores.ML_EXPECTED_RETURN)
            .orderBy(org.apache.spark.sql.functions.col(SYMBOL))
            .collectAsList();
    // 0.8: up, confidence 0.8, (2 · 0.8 - 1) · 0.05 = 0.03
    assertEquals(UP, out.get(0).getString(0));
    assertEquals(0.8, out.get(0).getDouble(1), 1e-12);
    assertEquals(0.03, out.get(0).getDouble(2), 1e-12);
    // 0.5 is not > 0.5: down, confidence 0.5, expected return 0
    assertEquals(DOWN, out.get(1).getString(0));
    assertEquals(0.5, out.get(1).getDouble(1), 1e-12);
    assertEquals(0.0, out.get(1).getDouble(2), 1e-12);
    // 0.25: down, confidence 0.75, (0.5 - 1) · 0.04 = -0.02
    assertEquals(DOWN, out.get(2).getString(0));
    assertEquals(0.75, out.get(2).getDouble(1), 1e-12);
    assertEquals(-0.02, out.get(2).getDouble(2), 1e-12);
  }
}
