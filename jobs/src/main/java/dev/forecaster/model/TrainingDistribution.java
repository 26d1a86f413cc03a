package dev.forecaster.model;

import static dev.forecaster.schema.Columns.FEATURES;
import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.registry.ModelArtifacts;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The distribution of each feature over a model's training samples, as the model saw them (null as
 * 0.0): its decile edges (deduplicated, so a feature with many equal values has fewer bins) and the
 * share of samples in each bin. Saved under {@code training_distribution} in metadata.json; the
 * monitor measures the drift of live features against it.
 *
 * <p>Bin k of a feature with edges e_0 < ... < e_{m-1} holds {@code e_{k-1} < v <= e_k} (bin 0 is
 * {@code v <= e_0}, bin m is {@code v > e_{m-1}}).
 */
public final class TrainingDistribution {
  /** Relative error of the quantiles (Spark's approxQuantile). */
  static final double QUANTILE_ERROR = 0.001;

  /** One bin of one feature; a null bound is unbounded. */
  public record Bin(String feature, int bin, Double lower, Double upper, double share) {}

  private TrainingDistribution() {}

  /** Computes the distribution of the training samples (runs two Spark jobs). */
  public static ObjectNode of(Dataset<Row> train) {
    List<Column> values = new ArrayList<>();
    for (String f : FEATURES) {
      values.add(coalesce(col(f).cast("double"), lit(0.0)).as(f));
    }
    Dataset<Row> x = train.select(values.toArray(Column[]::new));
    double[] deciles = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    double[][] quantiles =
        x.stat().approxQuantile(FEATURES.toArray(String[]::new), deciles, QUANTILE_ERROR);
    List<double[]> edges = new ArrayList<>();
    List<Column> counts = new ArrayList<>();
    counts.add(count(lit(1)));
    for (int f = 0; f < FEATURES.size(); f++) {
      TreeSet<Double> distinct = new TreeSet<>();
      for (double q : quantiles[f]) {
        distinct.add(q);
      }
      double[] e = distinct.stream().mapToDouble(Double::doubleValue).toArray();
      edges.add(e);
      Column v = col(FEATURES.get(f));
      for (int k = 0; k <= e.length; k++) {
        Column in = lit(true);
        if (k > 0) {
          in = in.and(v.gt(e[k - 1]));
        }
        if (k < e.length) {
          in = in.and(v.leq(e[k]));
        }
        counts.add(sum(when(in, 1L).otherwise(0L)));
      }
    }
    Row r = x.agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new)).first();
    long n = r.getLong(0);
    ObjectNode node = ModelArtifacts.JSON.createObjectNode();
    node.put("n", n);
    node.put("nulls_as", 0.0);
    node.put("bins", "edges e_0 < ... < e_m-1; bin k holds e_k-1 < v <= e_k");
    ObjectNode features = node.putObject("features");
    int column = 1;
    for (int f = 0; f < FEATURES.size(); f++) {
      ObjectNode feature = features.putObject(FEATURES.get(f));
      ArrayNode e = feature.putArray("edges");
      for (double edge : edges.get(f)) {
        e.add(edge);
      }
      ArrayNode shares = feature.putArray("shares");
      for (int k = 0; k <= edges.get(f).length; k++) {
        long c = r.isNullAt(column) ? 0 : r.getLong(column);
        shares.add(n == 0 ? 0.0 : (double) c / n);
        column++;
      }
    }
    return node;
  }

  /** The bins stored in a model's metadata; empty when it has none. */
  public static List<Bin> bins(JsonNode metadata) {
    List<Bin> bins = new ArrayList<>();
    JsonNode features =
        metadata == null ? null : metadata.path("training_distribution").get("features");
    if (features == null || !features.isObject()) {
      return bins;
    }
    Iterator<Map.Entry<String, JsonNode>> it = features.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode edges = e.getValue().get("edges");
      JsonNode shares = e.getValue().get("shares");
      for (int k = 0; k < shares.size(); k++) {
        bins.add(
            new Bin(
                e.getKey(),
                k,
                k == 0 ? null : edges.get(k - 1).asDouble(),
                k == edges.size() ? null : edges.get(k).asDouble(),
                shares.get(k).asDouble()));
      }
    }
    return bins;
  }
}
