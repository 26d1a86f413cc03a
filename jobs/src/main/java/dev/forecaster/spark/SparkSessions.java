package dev.forecaster.spark;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.io.NioLocalFileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession every job runs in: Delta's SQL extension and catalog, {@code file:} paths
 * through {@link NioLocalFileSystem}, plus the configured Spark settings. The master is left to
 * bin/forecaster or spark-submit.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(String appName, ForecasterConfig config) {
    return create(appName, config, java.util.Map.of());
  }

  /** With settings of the command itself, which the configuration and spark-submit can override. */
  public static SparkSession create(
      String appName, ForecasterConfig config, java.util.Map<String, String> commandDefaults) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName(appName)
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    // Settings given to spark-submit (or -Dspark.* on the launcher) win over the config file.
    SparkConf submitted = new SparkConf();
    NioLocalFileSystem.SPARK_SETTINGS.forEach(
        (key, value) -> {
          if (!submitted.contains(key)) {
            builder.config(key, value);
          }
        });
    commandDefaults.forEach(builder::config);
    config
        .spark()
        .forEach(
            (key, value) -> {
              if (!submitted.contains(key)) {
                builder.config(key, value);
              }
            });
    return builder.getOrCreate();
  }
}
