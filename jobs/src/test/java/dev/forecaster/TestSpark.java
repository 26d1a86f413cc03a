package dev.forecaster;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import dev.forecaster.io.NioLocalFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession of the test JVM (Delta on, UTC, 2 shuffle partitions, UI off,
 * interpreted expressions) and DataFrame assertions from spark-testing-base.
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
              .config("spark.sql.shuffle.partitions", setting("spark.sql.shuffle.partitions", "2"))
              .config("spark.default.parallelism", setting("spark.default.parallelism", "2"))
              .config("spark.ui.enabled", "false")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .config(
                  "spark.databricks.delta.snapshotPartitions",
                  setting("spark.databricks.delta.snapshotPartitions", "2"))
              // Fixtures are small, so much of a test's time is the driver's per-query work.
              // Profiled (JFR, NightlyJobTest), the main thread spent ~7% building plan strings
              // for listener events and ~4-8% re-planning adaptive stages: both cut here (the CLI
              // and spark-submit keep Spark's defaults).
              .config("spark.sql.adaptive.enabled", setting("spark.sql.adaptive.enabled", "false"))
              .config(
                  "spark.sql.maxPlanStringLength", setting("spark.sql.maxPlanStringLength", "2000"))
              .config("spark.sql.ui.explainMode", setting("spark.sql.ui.explainMode", "simple"))
              // Interpreted expressions instead of generated and compiled code: on fixtures of a
              // few hundred rows, compiling each query's Java (Janino) costs more than it saves.
              // ForecastJobTest + MonitorJobTest took 0.82x, two fault-simulation nights 0.81x.
              .config(
                  "spark.sql.codegen.wholeStage", setting("spark.sql.codegen.wholeStage", "false"))
              .config(
                  "spark.sql.codegen.factoryMode",
                  setting("spark.sql.codegen.factoryMode", "NO_CODEGEN"))
              // file: paths without a chmod or readlink process per file (see the class).
              .config(new java.util.HashMap<String, Object>(NioLocalFileSystem.SPARK_SETTINGS))
              .getOrCreate();
    }
    return spark;
  }

  /** A {@code -Dspark.*} property given to the test JVM wins over this class's default. */
  private static String setting(String key, String fallback) {
    return System.getProperty(key, fallback);
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
