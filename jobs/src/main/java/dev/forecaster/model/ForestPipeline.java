package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;

import dev.forecaster.config.ForecasterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;

/**
 * The MLlib pipeline of FORECASTING.md section 5: nulls -> 0.0 (the feature table keeps them),
 * symbol as a categorical feature whose index keeps a slot for symbols unseen in training, and a
 * RandomForestClassifier on label 1.0 = up. Saved whole, so scoring applies exactly the same steps.
 */
public final class ForestPipeline {
  /** Name of the symbol's categorical index among the model inputs. */
  public static final String SYMBOL_INDEX = "symbol_index";

  public static final String FEATURE_VECTOR = "feature_vector";
  public static final String PROBABILITY = "probability";
  public static final String PREDICTION = "prediction";
  static final String INPUT_PREFIX = "_x_";

  private ForestPipeline() {}

  /** Input names in vector order: the symbol, then the 17 features of the contract. */
  public static List<String> inputNames() {
    List<String> names = new ArrayList<>();
    names.add(SYMBOL);
    names.addAll(FEATURES);
    return names;
  }

  /**
   * MLlib needs at least as many bins as a categorical feature has values: the symbols seen in
   * training plus the slot for unseen ones.
   */
  public static int effectiveMaxBins(int configured, long trainingSymbols) {
    return (int) Math.max(configured, trainingSymbols + 1);
  }

  public static Pipeline build(ForecasterConfig.RandomForest params, int maxBins) {
    String nullsToZero =
        FEATURES.stream()
            .map(
                f ->
                    String.format(
                        "CAST(coalesce(`%s`, 0) AS DOUBLE) AS `%s%s`", f, INPUT_PREFIX, f))
            .collect(Collectors.joining(", ", "SELECT *, ", " FROM __THIS__"));
    StringIndexer symbolIndex =
        new StringIndexer()
            .setInputCol(SYMBOL)
            .setOutputCol(SYMBOL_INDEX)
            .setHandleInvalid("keep")
            .setStringOrderType("alphabetAsc");
    List<String> vectorInputs = new ArrayList<>();
    vectorInputs.add(SYMBOL_INDEX);
    FEATURES.forEach(f -> vectorInputs.add(INPUT_PREFIX + f));
    VectorAssembler assembler =
        new VectorAssembler()
            .setInputCols(vectorInputs.toArray(String[]::new))
            .setOutputCol(FEATURE_VECTOR);
    RandomForestClassifier forest =
        new RandomForestClassifier()
            .setLabelCol(Samples.LABEL)
            .setFeaturesCol(FEATURE_VECTOR)
            .setProbabilityCol(PROBABILITY)
            .setPredictionCol(PREDICTION)
            .setNumTrees(params.numTrees())
            .setMaxDepth(params.maxDepth())
            .setMinInstancesPerNode(params.minInstancesPerNode())
            .setMaxBins(maxBins)
            .setSeed(params.seed())
            // Keeps each sample's node per tree between levels instead of walking all 300 trees
            // from the root on every pass: the same forest, a third less fit time at depth 8.
            .setCacheNodeIds(true);
    return new Pipeline()
        .setStages(
            new PipelineStage[] {
              new SQLTransformer().setStatement(nullsToZero), symbolIndex, assembler, forest
            });
  }
}
