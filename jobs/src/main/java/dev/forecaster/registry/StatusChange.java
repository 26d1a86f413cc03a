package dev.forecaster.registry;

import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of the append-only {@code model_registry_history}: a change of a version's status (or an
 * event on it, such as a failed load, where from and to are equal), with when, why and the metrics
 * that motivated it (JSON).
 */
public record StatusChange(
    String modelName,
    String version,
    int horizonMinutes,
    String fromStatus,
    String toStatus,
    String reason,
    String metricsJson,
    Instant changedAt,
    String runId) {

  public static final StructType SCHEMA =
      new StructType()
          .add("model_name", DataTypes.StringType, false)
          .add("version", DataTypes.StringType, false)
          .add("horizon_minutes", DataTypes.IntegerType, false)
          .add("from_status", DataTypes.StringType)
          .add("to_status", DataTypes.StringType, false)
          .add("reason", DataTypes.StringType, false)
          .add("metrics", DataTypes.StringType)
          .add("changed_at", DataTypes.TimestampType, false)
          .add("run_id", DataTypes.StringType, false);

  public Row toRow() {
    return RowFactory.create(
        modelName,
        version,
        horizonMinutes,
        fromStatus,
        toStatus,
        reason,
        metricsJson,
        Timestamp.from(changedAt),
        runId);
  }

  public static StatusChange of(Row r) {
    return new StatusChange(
        r.getAs("model_name"),
        r.getAs("version"),
        r.<Integer>getAs("horizon_minutes"),
        r.getAs("from_status"),
        r.getAs("to_status"),
        r.getAs("reason"),
        r.getAs("metrics"),
        r.<Timestamp>getAs("changed_at").toInstant(),
        r.getAs("run_id"));
  }
}
