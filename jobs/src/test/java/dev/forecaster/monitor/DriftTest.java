package dev.forecaster.monitor;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.forecaster.TestSpark;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** {@link Drift}: the population stability index on hand-made distributions. */
class DriftTest {
  static final SparkSession spark = TestSpark.session();

  static Row bin(String feature, int bin, Double lower, Double upper, double share) {
    return RowFactory.create("m", "v1", feature, bin, lower, upper, share);
  }

  static Row forecast(Double f, Double g) {
    Map<String, Double> features = new HashMap<>();
    features.put("f", f);
    features.put("g", g);
    return RowFactory.create(10_080, "m", "v1", features);
  }

  @Test
  void psiOfLiveSharesAgainstTheTrainingBins() {
    // f: edges 1, 2 -> bins (-inf, 1] 50%, (1, 2] 30%, (2, inf) 20% of the training samples.
    // g: edge 0 -> bins (-inf, 0] 60%, (0, inf) 40%.
    Dataset<Row> bins =
        spark.createDataFrame(
            List.of(
                bin("f", 0, null, 1.0, 0.5),
                bin("f", 1, 1.0, 2.0, 0.3),
                bin("f", 2, 2.0, null, 0.2),
                bin("g", 0, null, 0.0, 0.6),
                bin("g", 1, 0.0, null, 0.4)),
            MonitorJob.TRAINING_BINS);
    StructType schema =
        new StructType()
            .add(HORIZON_MINUTES, DataTypes.IntegerType)
            .add(MODEL_NAME, DataTypes.StringType)
            .add(MODEL_VERSION, DataTypes.StringType)
            .add(
                FEATURES_MAP,
                DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true));
    // Live f: 0.5, 1.5, 1.5, 3.0 (1.0 sits on an edge: it belongs to the lower bin) -> shares
    // 25%, 50%, 25%. Live g: 0, 0, 0 and a null (the model reads 0.0) -> 100% in bin 0.
    Dataset<Row> live =
        spark.createDataFrame(
            List.of(
                forecast(0.5, 0.0), forecast(1.5, 0.0), forecast(1.5, 0.0), forecast(3.0, null)),
            schema);
    Map<String, Row> psi = new TreeMap<>();
    for (Row r : Drift.psi(Drift.liveValues(live), bins).collectAsList()) {
      psi.put(r.getAs(DIMENSION), r);
    }
    assertEquals(List.of("f", "g"), List.copyOf(psi.keySet()));
    // (0.25 - 0.5) ln(0.25/0.5) + (0.5 - 0.3) ln(0.5/0.3) + (0.25 - 0.2) ln(0.25/0.2)
    //   = 0.173287 + 0.102165 + 0.011157
    assertEquals(0.28660909745889496, psi.get("f").<Double>getAs(VALUE), 1e-12);
    assertEquals(4L, psi.get("f").<Long>getAs(N));
    assertEquals(10_080, psi.get("f").<Integer>getAs(HORIZON_MINUTES));
    assertEquals("v1", psi.get("f").getAs(MODEL_VERSION));
    assertEquals(MonitoringMetrics.DRIFT_PSI, psi.get("f").getAs(METRIC));
    // g's empty bin 1 counts as 1e-4: (1 - 0.6) ln(1/0.6) + (1e-4 - 0.4) ln(1e-4/0.4)
    //   = 0.204330 + 3.316790
    assertEquals(3.521120700583197, psi.get("g").<Double>getAs(VALUE), 1e-12);
  }

  @Test
  void identicalDistributionsHaveNoDrift() {
    Dataset<Row> bins =
        spark.createDataFrame(
            List.of(bin("f", 0, null, 1.0, 0.5), bin("f", 1, 1.0, null, 0.5)),
            MonitorJob.TRAINING_BINS);
    Dataset<Row> live =
        spark.createDataFrame(
            List.of(
                RowFactory.create(10_080, "m", "v1", "f", 0.0),
                RowFactory.create(10_080, "m", "v1", "f", 5.0)),
            new StructType()
                .add(HORIZON_MINUTES, DataTypes.IntegerType)
                .add(MODEL_NAME, DataTypes.StringType)
                .add(MODEL_VERSION, DataTypes.StringType)
                .add(Drift.FEATURE, DataTypes.StringType)
                .add(VALUE, DataTypes.DoubleType));
    assertEquals(0.0, Drift.psi(live, bins).first().<Double>getAs(VALUE), 0.0);
  }
}
