package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The MLlib pipeline of FORECASTING.md section 5: inputs, null features, unseen symbols. */
class ForestPipelineTest {
  @Test
  void theInputsAreTheSymbolThenTheSeventeenFeaturesInContractOrder() {
    List<String> expected = new ArrayList<>(List.of(SYMBOL));
    expected.addAll(FEATURES);
    assertEquals(expected, ForestPipeline.inputNames());
    assertEquals(18, ForestPipeline.inputNames().size());
  }

  @Test
  void maxBinsGrowsToHoldEverySymbolAndTheUnseenSlot() {
    assertEquals(32, ForestPipeline.effectiveMaxBins(32, 4));
    assertEquals(32, ForestPipeline.effectiveMaxBins(32, 31)); // 31 symbols + 1 unseen slot
    assertEquals(101, ForestPipeline.effectiveMaxBins(32, 100));
    // the fixture has 2 symbols, so the symbol index has 3 values: 2 bins cannot hold them
    assertThrows(IllegalArgumentException.class, () -> TinyForest.fit(2));
    TinyForest.fit(ForestPipeline.effectiveMaxBins(2, 2));
  }

  @Test
  void scoringInTheDriverGivesTheDistributedScoresExactly() {
    PipelineModel model = TinyForest.fit();
    // 300 rows over two seen symbols and an unseen one, with null features, spread over partitions
    // so that the reference is a real distributed scoring.
    Random random = new Random(7);
    Dataset<Row> rows = TinyForest.samples();
    List<Row> many = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Object[] values = new Object[rows.schema().size()];
      values[0] = new String[] {"A-USD", "B-USD", "Z-USD"}[i % 3];
      values[1] = Timestamp.from(Instant.parse("2024-01-01T00:00:00Z").plusSeconds(86_400L * i));
      values[2] = 60;
      for (int f = 3; f < values.length - 1; f++) {
        values[f] = random.nextInt(5) == 0 ? null : random.nextGaussian() * 0.05;
      }
      values[values.length - 1] = 0.0;
      many.add(RowFactory.create(values));
    }
    Dataset<Row> features = rows.sparkSession().createDataFrame(many, rows.schema()).repartition(4);
    Map<String, Double> distributed = new HashMap<>();
    for (Row r : ForestScores.pUp(model, features).collectAsList()) {
      distributed.put(r.getString(0) + r.getTimestamp(1), r.getDouble(3));
    }
    assertEquals(300, distributed.size());
    // within the driver's limit (scored as a local relation), and beyond it (distributed again)
    for (int limit : new int[] {ForestScores.MAX_DRIVER_ROWS, 299}) {
      List<Row> scored = ForestScores.pUpInDriver(model, features, limit).collectAsList();
      assertEquals(300, scored.size());
      for (Row r : scored) {
        assertEquals(
            distributed.get(r.getString(0) + r.getTimestamp(1)), r.getDouble(3), 0.0, "" + r);
      }
    }
    // a comparison of constants would prove nothing: the rows get different scores
    assertTrue(new HashSet<>(distributed.values()).size() > 1, "" + distributed.values());
  }

  @Test
  void aSymbolUnseenInTrainingAndNullFeaturesStillGetAForecast() {
    PipelineModel model = TinyForest.fit();
    Dataset<Row> unseen =
        TinyForest.samples()
            .limit(2)
            .withColumn(SYMBOL, org.apache.spark.sql.functions.lit("Z-USD"))
            .withColumn(PRICE_R_7D, org.apache.spark.sql.functions.lit(null).cast("double"));
    List<Row> scored = ForestScores.pUp(model, unseen).collectAsList();
    assertEquals(2, scored.size());
    for (Row r : scored) {
      assertEquals("Z-USD", r.getString(0));
      assertFalse(r.isNullAt(3));
      double p = r.getDouble(3);
      assertFalse(p < 0 || p > 1, "" + p);
    }
  }
}
