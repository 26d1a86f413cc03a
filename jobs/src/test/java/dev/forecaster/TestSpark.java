package dev.forecaster;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession of the test JVM (Delta on, UTC, 2 shuffle partitions, UI off) and
 * DataFrame assertions from spark-testing-base.
 */
public final class TestSpark {
  private static SparkSession spark;
  private static final JavaDataFrameSuiteBase ASSERTIONS = new JavaDataFrameSuiteBase();

  private TestSpark() {}

  /**
   * The session, built again when something stopped it: a CLI command run in-process ({@code
   * ForecasterCli.execute}) ends with {@code spark.stop()}, like the real process.
   */
  public static synchronized SparkSession session() {
    if (spark == null || spark.sparkContext().isStopped()) {
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("forecaster-tests")
              .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
              .config(
                  "spark.sql.catalog.spark_catalog",
                  "org.apache.spark.sql.delta.catalog.DeltaCatalog")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.databricks.delta.snapshotPartitions", "2")
              .getOrCreate();
    }
    return spark;
  }

  /** Same rows, in any order (spark-testing-base's comparison). */
  public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    ASSERTIONS.assertDataFrameNoOrderEquals(expected, actual);
  }

  /** The shared data pack beside the checkout, when present. */
  public static Optional<Path> sharedData() {
    String configured = System.getProperty("forecaster.shared.data");
    Path path = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "data");
    return Files.isDirectory(path.resolve("prices"))
        ? Optional.of(path.normalize())
        : Optional.empty();
  }
}
