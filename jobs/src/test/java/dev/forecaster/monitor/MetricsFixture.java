package dev.forecaster.monitor;

import static dev.forecaster.schema.Columns.*;

import dev.forecaster.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Hand-written outcome rows for the metric tests. */
final class MetricsFixture {
  private MetricsFixture() {}

  static final StructType OUTCOMES =
      new StructType()
          .add(AS_OF, DataTypes.TimestampType)
          .add(SYMBOL, DataTypes.StringType)
          .add(HORIZON_MINUTES, DataTypes.IntegerType)
          .add(LOOKBACK_DAYS, DataTypes.IntegerType)
          .add(MATURED_AT, DataTypes.TimestampType)
          .add(MODEL_TYPE, DataTypes.StringType)
          .add(MODEL_NAME, DataTypes.StringType)
          .add(MODEL_VERSION, DataTypes.StringType)
          .add(DIRECTION, DataTypes.StringType)
          .add(CONFIDENCE, DataTypes.DoubleType)
          .add(PROB_UP, DataTypes.DoubleType)
          .add(REALISED_DIRECTION, DataTypes.StringType)
          .add(CORRECT, DataTypes.BooleanType);

  static final int H7 = 10_080;

  /** 7-day ML outcome of model m:v1 for {@code symbol} at 2025-01-{day}. */
  static Row outcome(int day, String symbol, String direction, double confidence, String realised) {
    Instant asOf = Instant.parse(String.format("2025-01-%02dT00:00:00Z", day));
    double probUp = direction == null ? 0.5 : direction.equals(UP) ? confidence : 1 - confidence;
    return RowFactory.create(
        Timestamp.from(asOf),
        symbol,
        H7,
        60,
        Timestamp.from(asOf.plusSeconds(7 * 86_400L)),
        MODEL_TYPE_ML,
        "m",
        "v1",
        direction,
        direction == null ? null : confidence,
        direction == null ? null : probUp,
        realised,
        direction == null ? null : direction.equals(realised));
  }

  static Dataset<Row> frame(List<Row> rows, StructType schema) {
    return TestSpark.session().createDataFrame(rows, schema);
  }
}
