package dev.forecaster.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real Spark standalone cluster on loopback: a Master and one Worker, started from the assembled
 * SPARK_HOME the way sbin/start-master.sh and start-worker.sh start them (bin/spark-class with the
 * daemon class). The Worker launches executors as its own child processes.
 */
final class StandaloneCluster implements AutoCloseable {
  private final int port;
  private final int uiPort;
  private final Path workDir;
  private final ChildProcess master;
  private final ChildProcess worker;

  private StandaloneCluster(
      int port, int uiPort, Path workDir, ChildProcess master, ChildProcess worker) {
    this.port = port;
    this.uiPort = uiPort;
    this.workDir = workDir;
    this.master = master;
    this.worker = worker;
  }

  /**
   * Starts a Master and a Worker with {@code cores} cores and {@code memory} (e.g. 2g). {@code
   * nodeEnv} is the environment of the cluster's processes, which executors inherit (e.g. the AWS
   * credentials a cluster node has).
   */
  static StandaloneCluster start(Path dir, int cores, String memory, Map<String, String> nodeEnv)
      throws Exception {
    String sparkClass = Deploy.sparkHome().resolve("bin/spark-class").toString();
    Map<String, String> env = new java.util.HashMap<>(nodeEnv);
    env.put("SPARK_DAEMON_MEMORY", "512m");
    env = SparkSubmit.environment(env);
    int port = Deploy.freePort();
    int uiPort = Deploy.freePort();
    ChildProcess master =
        ChildProcess.start(
            "master",
            List.of(
                "bash",
                sparkClass,
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(port),
                "--webui-port",
                String.valueOf(uiPort)),
            env,
            dir,
            dir);
    ChildProcess worker = null;
    try {
      awaitState(master, uiPort, s -> "ALIVE".equals(s.path("status").asText()), "Master ALIVE");
      Path workDir = dir.resolve("work");
      worker =
          ChildProcess.start(
              "worker",
              List.of(
                  "bash",
                  sparkClass,
                  "org.apache.spark.deploy.worker.Worker",
                  "--host",
                  "127.0.0.1",
                  "--cores",
                  String.valueOf(cores),
                  "--memory",
                  memory,
                  "--work-dir",
                  workDir.toString(),
                  "--webui-port",
                  String.valueOf(Deploy.freePort()),
                  "spark://127.0.0.1:" + port),
              env,
              dir,
              dir);
      awaitState(master, uiPort, s -> s.path("aliveworkers").asInt() == 1, "one Worker ALIVE");
      return new StandaloneCluster(port, uiPort, workDir, master, worker);
    } catch (Exception | AssertionError e) {
      if (worker != null) {
        worker.close();
      }
      master.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** The Worker's work folder: one app-* folder per application, one folder per executor. */
  Path workDir() {
    return workDir;
  }

  /** The Master's state (its web UI's /json/): workers, applications, cores. */
  JsonNode state() throws IOException, InterruptedException {
    return Deploy.getJson("http://127.0.0.1:" + uiPort + "/json/");
  }

  private static void awaitState(
      ChildProcess master, int uiPort, Predicate<JsonNode> condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!master.alive()) {
        throw new AssertionError("the Master exited before " + what + ":\n" + master.tails());
      }
      try {
        JsonNode state = Deploy.getJson("http://127.0.0.1:" + uiPort + "/json/");
        if (condition.test(state)) {
          return;
        }
        last = state.toString();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no " + what + " within 120 s; last state: " + last);
  }

  @Override
  public void close() {
    worker.close();
    master.close();
  }
}
