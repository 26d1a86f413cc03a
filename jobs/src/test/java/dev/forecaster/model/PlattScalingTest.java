package dev.forecaster.model;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** {@link PlattScaling} on generated outcomes whose stated probabilities are miscalibrated. */
class PlattScalingTest {
  /**
   * True p uniform in [0.05, 0.95], y ~ Bernoulli(p); the model states sigmoid(3 logit p + 0.5).
   */
  static final double SHARPNESS = 3;

  static final double BIAS = 0.5;

  record Sample(double[] stated, boolean[] up) {}

  static Sample generate(int n, long seed, double sharpness, double bias) {
    Random random = new Random(seed);
    double[] stated = new double[n];
    boolean[] up = new boolean[n];
    for (int i = 0; i < n; i++) {
      double p = 0.05 + 0.9 * random.nextDouble();
      up[i] = random.nextDouble() < p;
      stated[i] = 1 / (1 + Math.exp(-(sharpness * Math.log(p / (1 - p)) + bias)));
    }
    return new Sample(stated, up);
  }

  static double brierAfter(PlattScaling platt, Sample s) {
    double[] calibrated = new double[s.stated().length];
    for (int i = 0; i < calibrated.length; i++) {
      calibrated[i] = platt.apply(s.stated()[i]);
    }
    return PlattScaling.brier(calibrated, s.up());
  }

  @Test
  void calibrationOfAnOverconfidentBiasedModelLowersBrierOnNewData() {
    Sample fit = generate(10_000, 1, SHARPNESS, BIAS);
    Sample fresh = generate(10_000, 2, SHARPNESS, BIAS);
    PlattScaling platt = PlattScaling.fit(fit.stated(), fit.up());
    // logit p = (logit stated - 0.5) / 3: a = 1/3, b = -1/6.
    assertEquals(1.0 / 3, platt.a(), 0.03);
    assertEquals(-1.0 / 6, platt.b(), 0.05);
    double before = PlattScaling.brier(fresh.stated(), fresh.up());
    double after = brierAfter(platt, fresh);
    assertTrue(after < before - 0.01, "Brier " + before + " -> " + after);
  }

  @Test
  void aCalibratedModelIsLeftAboutAsItIs() {
    Sample fit = generate(10_000, 3, 1, 0);
    PlattScaling platt = PlattScaling.fit(fit.stated(), fit.up());
    assertEquals(1.0, platt.a(), 0.1);
    assertEquals(0.0, platt.b(), 0.05);
    Sample fresh = generate(10_000, 4, 1, 0);
    assertEquals(PlattScaling.brier(fresh.stated(), fresh.up()), brierAfter(platt, fresh), 0.002);
  }

  @Test
  void separableOutcomesGiveFiniteParameters() {
    PlattScaling platt =
        PlattScaling.fit(
            new double[] {0.1, 0.2, 0.8, 0.9}, new boolean[] {false, false, true, true});
    assertTrue(Double.isFinite(platt.a()) && Double.isFinite(platt.b()));
    assertTrue(platt.apply(0.9) > 0.5 && platt.apply(0.1) < 0.5);
  }

  @Test
  void theSparkColumnComputesWhatTheScalarDoes() {
    PlattScaling platt = new PlattScaling(0.4, -0.2, 10);
    List<Double> p = List.of(0.0, 0.3, 0.5, 0.97, 1.0);
    List<Row> rows =
        TestSpark.session()
            .createDataset(p, Encoders.DOUBLE())
            .toDF("p")
            .select(col("p"), platt.apply(col("p")).as("q"))
            .collectAsList();
    for (Row r : rows) {
      assertEquals(platt.apply(r.getDouble(0)), r.getDouble(1), 1e-12, "p = " + r.getDouble(0));
    }
    // By hand at p = 0.5: logit 0, so 1 / (1 + exp(0.2)) = 0.450166.
    assertEquals(0.45016600268752216, platt.apply(0.5), 1e-15);
  }
}
