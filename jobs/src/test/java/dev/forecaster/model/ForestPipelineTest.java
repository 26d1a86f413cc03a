package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
