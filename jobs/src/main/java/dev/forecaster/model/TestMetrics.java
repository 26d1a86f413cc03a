package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.registry.ModelArtifacts;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Metrics of a model on its purged test split: accuracy overall and per symbol, Brier score of
 * p_up, the confusion matrix (up is positive) and the class balance.
 */
public final class TestMetrics {
  private TestMetrics() {}

  /**
   * @param scored (symbol, as_of, p_up) of the test samples
   * @param test the test samples with their {@link Samples#LABEL}
   */
  public static ObjectNode of(Dataset<Row> scored, Dataset<Row> test) {
    Dataset<Row> joined =
        scored
            .join(test.select(SYMBOL, AS_OF, Samples.LABEL), new String[] {SYMBOL, AS_OF})
            // Two aggregations read it: score the forest once.
            .cache();
    Column predictedUp = col(P_UP).gt(0.5);
    Column actualUp = col(Samples.LABEL).equalTo(1.0);
    Column correct = predictedUp.equalTo(actualUp);
    ObjectNode node = ModelArtifacts.JSON.createObjectNode();
    Row all =
        joined
            .agg(
                count(lit(1)),
                sum(when(correct, 1L).otherwise(0L)),
                sum(pow(col(P_UP).minus(col(Samples.LABEL)), 2)),
                sum(when(predictedUp.and(actualUp), 1L).otherwise(0L)),
                sum(when(predictedUp.and(not(actualUp)), 1L).otherwise(0L)),
                sum(when(not(predictedUp).and(not(actualUp)), 1L).otherwise(0L)),
                sum(when(not(predictedUp).and(actualUp), 1L).otherwise(0L)))
            .first();
    long n = all.getLong(0);
    node.put("n", n);
    if (n == 0) {
      node.putNull("accuracy");
      node.putNull("brier");
    } else {
      node.put("accuracy", (double) all.getLong(1) / n);
      node.put("brier", all.getDouble(2) / n);
    }
    ObjectNode confusion = node.putObject("confusion");
    confusion.put("true_up", n == 0 ? 0 : all.getLong(3));
    confusion.put("false_up", n == 0 ? 0 : all.getLong(4));
    confusion.put("true_down", n == 0 ? 0 : all.getLong(5));
    confusion.put("false_down", n == 0 ? 0 : all.getLong(6));
    ObjectNode balance = node.putObject("class_balance");
    long up = n == 0 ? 0 : all.getLong(3) + all.getLong(6);
    balance.put("up", up);
    balance.put("down", n - up);
    ObjectNode perSymbol = node.putObject("per_symbol");
    for (Row r :
        joined
            .groupBy(SYMBOL)
            .agg(count(lit(1)).as("n"), sum(when(correct, 1L).otherwise(0L)).as("correct"))
            .orderBy(SYMBOL)
            .collectAsList()) {
      ObjectNode s = perSymbol.putObject(r.getString(0));
      s.put("n", r.getLong(1));
      s.put("accuracy", (double) r.getLong(2) / r.getLong(1));
    }
    joined.unpersist();
    return node;
  }
}
