package dev.forecaster.backtest;

import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forecaster.registry.ModelArtifacts;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The reliability diagram of probabilities of up: [0, 1] cut into equal bins (the last one closed),
 * each with its size, mean predicted probability and observed share of up. A calibrated model has
 * observed close to predicted in every bin.
 */
public final class Reliability {
  public static final String BIN = "bin";
  public static final String MEAN_PREDICTED = "mean_predicted";
  public static final String OBSERVED = "observed";

  /** One bin of the diagram. */
  public record Bin(
      int bin, double low, double high, long n, double meanPredicted, double observed) {}

  private Reliability() {}

  /**
   * (bin, n, mean_predicted, observed), one row per non-empty bin.
   *
   * @param probability the predicted probability of up
   * @param up true when the outcome was up
   */
  public static Dataset<Row> bins(Dataset<Row> rows, Column probability, Column up, int bins) {
    Column index = least(floor(probability.multiply(bins)), lit((long) bins - 1)).cast("int");
    return rows.filter(probability.isNotNull().and(up.isNotNull()))
        .groupBy(index.as(BIN))
        .agg(
            count(lit(1)).as("n"),
            avg(probability).as(MEAN_PREDICTED),
            avg(when(up, 1.0).otherwise(0.0)).as(OBSERVED))
        .orderBy(BIN);
  }

  /** The collected rows of {@link #bins} as records. */
  public static List<Bin> collect(Dataset<Row> bins, int count) {
    List<Bin> out = new ArrayList<>();
    for (Row r : bins.collectAsList()) {
      int k = r.getInt(0);
      out.add(
          new Bin(
              k,
              (double) k / count,
              (double) (k + 1) / count,
              r.getLong(1),
              r.getDouble(2),
              r.getDouble(3)));
    }
    return out;
  }

  /** The bins as a JSON array for metadata.json. */
  public static ArrayNode toJson(List<Bin> bins) {
    ArrayNode array = ModelArtifacts.JSON.createArrayNode();
    for (Bin b : bins) {
      var node = array.addObject();
      node.put("low", b.low());
      node.put("high", b.high());
      node.put("n", b.n());
      node.put("mean_predicted", b.meanPredicted());
      node.put("observed", b.observed());
    }
    return array;
  }
}
