package dev.forecaster.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Airflow DAG tests ({@code airflow-dags/test_dags.py}: Python unittest, no Airflow needed)
 * against this build's jar and Spark home. They run as a failsafe test so that failsafe's second
 * fork runs them beside {@link ProductionRunIT}: both mostly wait for their spark-submit children,
 * and on 2 cores the two took 241-256 s side by side against ~310 s one after the other. {@code
 * -DskipDagTests} skips them.
 */
class AirflowDagsIT {
  @Test
  void theDagTestsPassAgainstThisBuild() throws Exception {
    assumeFalse(Boolean.getBoolean("forecaster.skip.dag.tests"), "-DskipDagTests");
    try (ChildProcess tests =
        ChildProcess.start(
            "airflow-dag-tests",
            List.of("python3", "-m", "unittest", "discover", "-s", "airflow-dags", "-v"),
            Map.of(
                "FORECASTER_JOBS_JAR", Deploy.jobsJar().toString(),
                "SPARK_HOME", Deploy.sparkHome().toString(),
                "FORECASTER_DAG_TESTS_REQUIRE_JAR", "1"),
            Deploy.root(),
            Deploy.root().resolve("jobs/target/airflow-dag-tests"))) {
      int exit = tests.await(Duration.ofMinutes(30));
      // unittest reports on stderr: one line per test, then the failures in full.
      System.out.println(tests.stdout() + tests.stderr());
      assertEquals(0, exit, "the Airflow DAG tests failed (report above):\n" + tests.tails());
    }
  }
}
