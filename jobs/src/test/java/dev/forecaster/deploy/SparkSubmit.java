package dev.forecaster.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code spark-submit} of the application jar, as a user runs it: bin/spark-submit of the assembled
 * SPARK_HOME, i.e. Spark's launcher and then {@code org.apache.spark.deploy.SparkSubmit}.
 */
final class SparkSubmit {
  private static final String COST = "spark-submit cost:";

  /** JVM flags of the drivers, daemons and executors the tests start. */
  static final String JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private SparkSubmit() {}

  /** A finished submission. */
  record Result(int exitCode, String stdout, String stderr, String tails) {}

  /**
   * Runs {@code spark-submit <sparkOptions> --class ForecasterCli <jar> <command...>} to its end.
   */
  static Result run(
      String name,
      List<String> sparkOptions,
      List<String> command,
      Map<String, String> env,
      Path dir,
      Duration timeout)
      throws InterruptedException {
    List<String> line = new ArrayList<>();
    line.add("bash");
    // Through bash's `time`, so the log ends with what the submission cost.
    line.add("-c");
    line.add("TIMEFORMAT='" + COST + " wall %R s, cpu %U s user + %S s sys'; time bash \"$@\"");
    line.add("spark-submit");
    line.add(Deploy.sparkHome().resolve("bin/spark-submit").toString());
    line.addAll(sparkOptions);
    line.add("--class");
    line.add(Deploy.MAIN_CLASS);
    line.add(Deploy.jobsJar().toString());
    line.addAll(command);
    try (ChildProcess p = ChildProcess.start(name, line, environment(env), dir, dir)) {
      int code = p.await(timeout);
      String stderr = p.stderr();
      stderr
          .lines()
          .filter(l -> l.startsWith(COST))
          .forEach(l -> System.out.println(name + " " + l));
      return new Result(code, p.stdout(), stderr, p.tails());
    }
  }

  /** SPARK_HOME of the assembled distribution, loopback only, plus {@code extra}. */
  static Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_HOME", Deploy.sparkHome().toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_HOSTNAME", "localhost");
    // Short-lived JVMs on 2 cores: the C1 compiler and the serial collector halve their CPU time.
    env.put("SPARK_SUBMIT_OPTS", JVM_OPTIONS);
    env.put("SPARK_DAEMON_JAVA_OPTS", JVM_OPTIONS);
    env.putAll(extra);
    return env;
  }
}
