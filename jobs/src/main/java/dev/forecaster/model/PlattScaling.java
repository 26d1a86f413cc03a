package dev.forecaster.model;

import static org.apache.spark.sql.functions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.registry.ModelArtifacts;
import org.apache.spark.sql.Column;

/**
 * Platt scaling of a probability: {@code p' = 1 / (1 + exp(-(a · logit(p) + b)))}, with a and b
 * fitted by maximum likelihood (Newton's method) on held-out (p, outcome) pairs. Targets are
 * Platt's smoothed labels ({@code (N+ + 1) / (N+ + 2)} for positives, {@code 1 / (N- + 2)} for
 * negatives), so a perfectly separated sample still gives finite parameters. p is clipped to
 * [{@link #EPS}, 1 - {@link #EPS}] before the logit, since a forest can say 0 or 1.
 *
 * @param a slope on logit(p): 1 keeps the sharpness, below 1 softens an overconfident model
 * @param b intercept: shifts every probability, correcting a bias towards one class
 * @param n the number of pairs it was fitted on
 */
public record PlattScaling(double a, double b, long n) {
  public static final double EPS = 1e-6;
  private static final int MAX_ITERATIONS = 100;

  /** Fits a and b on probabilities {@code p} and outcomes {@code up} (true = positive). */
  public static PlattScaling fit(double[] p, boolean[] up) {
    if (p.length != up.length || p.length == 0) {
      throw new IllegalArgumentException("need as many outcomes as probabilities, at least one");
    }
    long positives = 0;
    for (boolean u : up) {
      positives += u ? 1 : 0;
    }
    long negatives = p.length - positives;
    double hi = (positives + 1.0) / (positives + 2.0);
    double lo = 1.0 / (negatives + 2.0);
    double[] x = new double[p.length];
    double[] t = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      x[i] = logit(p[i]);
      t[i] = up[i] ? hi : lo;
    }
    double a = 1.0;
    double b = 0.0;
    double loss = loss(x, t, a, b);
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      double ga = 0;
      double gb = 0;
      double haa = 1e-12;
      double hab = 0;
      double hbb = 1e-12;
      for (int i = 0; i < x.length; i++) {
        double q = sigmoid(a * x[i] + b);
        double d = q - t[i];
        double w = q * (1 - q);
        ga += d * x[i];
        gb += d;
        haa += w * x[i] * x[i];
        hab += w * x[i];
        hbb += w;
      }
      double det = haa * hbb - hab * hab;
      if (Math.abs(ga) + Math.abs(gb) < 1e-10 || det <= 0) {
        break;
      }
      double da = (hbb * ga - hab * gb) / det;
      double db = (haa * gb - hab * ga) / det;
      double step = 1.0;
      double next = loss(x, t, a - da, b - db);
      while (next > loss && step > 1e-10) {
        step /= 2;
        next = loss(x, t, a - step * da, b - step * db);
      }
      if (next > loss) {
        break;
      }
      a -= step * da;
      b -= step * db;
      boolean converged = loss - next < 1e-12;
      loss = next;
      if (converged) {
        break;
      }
    }
    return new PlattScaling(a, b, p.length);
  }

  /** The calibrated probability of {@code p}. */
  public double apply(double p) {
    return sigmoid(a * logit(p) + b);
  }

  /** The calibrated probability of a probability column. */
  public Column apply(Column p) {
    Column clipped = least(greatest(p, lit(EPS)), lit(1 - EPS));
    Column z = log(clipped.divide(lit(1.0).minus(clipped))).multiply(a).plus(b);
    return lit(1.0).divide(lit(1.0).plus(exp(z.multiply(-1))));
  }

  /** Mean squared error of probabilities against outcomes (1 for true). */
  public static double brier(double[] p, boolean[] up) {
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double y = up[i] ? 1 : 0;
      sum += (p[i] - y) * (p[i] - y);
    }
    return sum / p.length;
  }

  /** The {@code calibration} node of metadata.json. */
  public ObjectNode toJson() {
    ObjectNode node = ModelArtifacts.JSON.createObjectNode();
    node.put("method", "platt");
    node.put("a", a);
    node.put("b", b);
    node.put("n", n);
    return node;
  }

  /** The calibration stored in a model's metadata, or null when it has none. */
  public static PlattScaling fromMetadata(JsonNode metadata) {
    JsonNode node = metadata == null ? null : metadata.get("calibration");
    if (node == null || node.isNull() || !"platt".equals(node.path("method").asText())) {
      return null;
    }
    return new PlattScaling(
        node.get("a").asDouble(), node.get("b").asDouble(), node.path("n").asLong());
  }

  private static double logit(double p) {
    double c = Math.min(Math.max(p, EPS), 1 - EPS);
    return Math.log(c / (1 - c));
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double loss(double[] x, double[] t, double a, double b) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double z = a * x[i] + b;
      // -[t log q + (1 - t) log(1 - q)] with q = sigmoid(z), in a form that does not overflow.
      sum += Math.max(z, 0) - t[i] * z + Math.log1p(Math.exp(-Math.abs(z)));
    }
    return sum;
  }
}
