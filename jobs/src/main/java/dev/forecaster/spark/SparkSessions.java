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
    // Later entries win: ours, the command's, the config file's; settings given to spark-submit
    // (or -Dspark.* on the launcher) win over all of them.
    java.util.Map<String, String> settings =
        new java.util.LinkedHashMap<>(NioLocalFileSystem.SPARK_SETTINGS);
    settings.putAll(commandDefaults);
    settings.putAll(config.spark());
    SparkConf submitted = new SparkConf();
    settings.forEach(
        (key, value) -> {
          if (!submitted.contains(key)) {
            builder.config(key, value);
          }
        });
    return builder.getOrCreate();
  }
}
