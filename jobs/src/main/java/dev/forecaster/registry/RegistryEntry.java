package dev.forecaster.registry;

import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One row of {@code model_registry}: a registered model version and its current status. */
public record RegistryEntry(
    String modelName,
    String version,
    int versionNumber,
    int horizonMinutes,
    int lookbackDays,
    String status,
    String artifactUri,
    String metadataUri,
    String fingerprint,
    Instant createdAt,
    Instant updatedAt,
    String statusReason) {

  public static final String CANDIDATE = "candidate";
  public static final String PROMOTED = "promoted";
  public static final String REJECTED = "rejected";
  public static final String RETIRED = "retired";

  public static final StructType SCHEMA =
      new StructType()
          .add("model_name", DataTypes.StringType, false)
          .add("version", DataTypes.StringType, false)
          .add("version_number", DataTypes.IntegerType, false)
          .add("horizon_minutes", DataTypes.IntegerType, false)
          .add("lookback_days", DataTypes.IntegerType, false)
          .add("status", DataTypes.StringType, false)
          .add("artifact_uri", DataTypes.StringType, false)
          .add("metadata_uri", DataTypes.StringType, false)
          .add("fingerprint", DataTypes.StringType, false)
          .add("created_at", DataTypes.TimestampType, false)
          .add("updated_at", DataTypes.TimestampType, false)
          .add("status_reason", DataTypes.StringType);

  /** {@code name:version}, how users name a model version. */
  public String ref() {
    return modelName + ":" + version;
  }

  public RegistryEntry withStatus(String newStatus, String reason, Instant at) {
    return new RegistryEntry(
        modelName,
        version,
        versionNumber,
        horizonMinutes,
        lookbackDays,
        newStatus,
        artifactUri,
        metadataUri,
        fingerprint,
        createdAt,
        at,
        reason);
  }

  public Row toRow() {
    return RowFactory.create(
        modelName,
        version,
        versionNumber,
        horizonMinutes,
        lookbackDays,
        status,
        artifactUri,
        metadataUri,
        fingerprint,
        Timestamp.from(createdAt),
        Timestamp.from(updatedAt),
        statusReason);
  }

  public static RegistryEntry of(Row r) {
    return new RegistryEntry(
        r.getAs("model_name"),
        r.getAs("version"),
        r.<Integer>getAs("version_number"),
        r.<Integer>getAs("horizon_minutes"),
        r.<Integer>getAs("lookback_days"),
        r.getAs("status"),
        r.getAs("artifact_uri"),
        r.getAs("metadata_uri"),
        r.getAs("fingerprint"),
        r.<Timestamp>getAs("created_at").toInstant(),
        r.<Timestamp>getAs("updated_at").toInstant(),
        r.getAs("status_reason"));
  }
}
