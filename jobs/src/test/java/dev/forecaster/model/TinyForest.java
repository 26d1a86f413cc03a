package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ForecasterConfig;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A two-tree pipeline fitted on eight hand-made samples: a real artifact to save and break. */
public final class TinyForest {
  private TinyForest() {}

  /** Eight samples of A-USD and B-USD: up exactly when price_r_7d > 0. */
  public static Dataset<Row> samples() {
    StructType schema =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(AS_OF, DataTypes.TimestampType)
            .add(LOOKBACK_DAYS, DataTypes.IntegerType);
    for (String f : FEATURES) {
      schema = schema.add(f, DataTypes.DoubleType);
    }
    schema = schema.add(Samples.LABEL, DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    double[] r7 = {0.05, -0.04, 0.03, -0.02, 0.06, -0.05, 0.02, -0.03};
    for (int i = 0; i < r7.length; i++) {
      Object[] values = new Object[3 + FEATURES.size() + 1];
      values[0] = i % 2 == 0 ? "A-USD" : "B-USD";
      values[1] = Timestamp.from(Instant.parse("2024-03-01T00:00:00Z").plusSeconds(86_400L * i));
      values[2] = 60;
      for (int f = 0; f < FEATURES.size(); f++) {
        // price_r_7d carries the signal; one other feature is null (the model reads 0.0)
        if (FEATURES.get(f).equals(PRICE_R_7D)) {
          values[3 + f] = r7[i];
        } else if (f > 0) {
          values[3 + f] = (double) (i % 3);
        }
      }
      values[values.length - 1] = r7[i] > 0 ? 1.0 : 0.0;
      rows.add(RowFactory.create(values));
    }
    return TestSpark.session().createDataFrame(rows, schema);
  }

  public static PipelineModel fit() {
    return fit(32);
  }

  public static PipelineModel fit(int maxBins) {
    return ForestPipeline.build(new ForecasterConfig.RandomForest(2, 2, 1, maxBins, 42, 2), maxBins)
        .fit(samples());
  }
}
