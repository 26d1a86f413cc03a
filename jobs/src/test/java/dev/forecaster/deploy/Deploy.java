package dev.forecaster.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the deploy tests run: the application jar, the SPARK_HOME assembled from the Maven
 * dependencies, the reader jar, S3Proxy and the s3a jars. Maven's failsafe plugin passes their
 * paths (jobs/pom.xml); run from an IDE, the defaults below point at the same build outputs.
 */
final class Deploy {
  static final String MAIN_CLASS = "dev.forecaster.cli.ForecasterCli";
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Deploy() {}

  /** The checkout's root (conf/, reader/, jobs/). */
  static Path root() {
    String configured = System.getProperty("forecaster.root");
    Path root = configured != null ? Path.of(configured) : Path.of("..").toAbsolutePath();
    return root.normalize();
  }

  static Path jobsJar() {
    return built("forecaster.jobs.jar", "jobs/target/forecaster-jobs.jar", "mvn -pl jobs package");
  }

  static Path sparkHome() {
    return built("forecaster.spark.home", "jobs/target/spark-home", "mvn -pl jobs package");
  }

  static Path readerJar() {
    return built(
        "forecaster.reader.jar",
        "reader/target/forecaster-reader.jar",
        "mvn -pl reader package (mvn verify at the root builds it before the jobs)");
  }

  static Path s3proxyJar() {
    return built(
        "forecaster.s3proxy.jar", "jobs/target/s3proxy/s3proxy.jar", "mvn -pl jobs verify");
  }

  /** hadoop-aws and the AWS SDK bundle, as spark-submit --jars would take them. */
  static List<Path> s3aJars() {
    String configured = System.getProperty("forecaster.s3a.jars");
    if (configured == null || configured.contains("${")) {
      throw new IllegalStateException(
          "forecaster.s3a.jars is not set: run the deploy tests through Maven (mvn -pl jobs"
              + " verify), which resolves hadoop-aws and aws-java-sdk-bundle");
    }
    List<Path> jars = List.of(configured.split(",")).stream().map(Path::of).toList();
    jars.forEach(j -> require(j, "mvn -pl jobs verify"));
    return jars;
  }

  private static Path built(String property, String defaultPath, String build) {
    String configured = System.getProperty(property);
    Path path = configured != null ? Path.of(configured) : root().resolve(defaultPath);
    return require(path, build);
  }

  private static Path require(Path path, String build) {
    if (!Files.exists(path)) {
      throw new IllegalStateException(path + " does not exist: build it first (" + build + ")");
    }
    return path;
  }

  /** A TCP port free on loopback right now. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET a URL: status and body. */
  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode getJson(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = get(url);
    if (response.statusCode() != 200) {
      throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
