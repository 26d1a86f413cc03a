package dev.forecaster.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Plans that stay small when a job uses an intermediate result several times. */
public final class Lineage {
  private Lineage() {}

  /**
   * The rows of a cached Dataset as a DataFrame whose logical plan is only their RDD. Every query
   * on a Dataset re-analyses its whole plan; a night's forecasts are built from dozens of table
   * reads and joins, and Delta's MERGE analyses its source several times over (a fresh nightly JVM
   * spent ~1.4 s more on it). The RDD reads the cached blocks and still recomputes a lost one from
   * its lineage.
   */
  public static Dataset<Row> detached(Dataset<Row> cached) {
    return cached.sparkSession().createDataFrame(cached.rdd(), cached.schema());
  }
}
