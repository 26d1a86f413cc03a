package dev.forecaster.deploy;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * S3Proxy (org.gaul:s3proxy, an S3 API server) on loopback, in memory (jclouds' transient blob
 * store), as a separate process: its Jetty and Jackson never meet Spark's. Requests must be signed
 * with the given key pair, as on AWS.
 */
final class S3Proxy implements AutoCloseable {
  private final ChildProcess process;
  private final String endpoint;
  private final String accessKey;
  private final String secretKey;

  private S3Proxy(ChildProcess process, String endpoint, String accessKey, String secretKey) {
    this.process = process;
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  static S3Proxy start(Path dir, String accessKey, String secretKey) throws Exception {
    int port = Deploy.freePort();
    String endpoint = "http://127.0.0.1:" + port;
    Path properties = dir.resolve("s3proxy.properties");
    try {
      Files.createDirectories(dir);
      Files.writeString(
          properties,
          String.join(
              "\n",
              "s3proxy.endpoint=" + endpoint,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + accessKey,
              "s3proxy.credential=" + secretKey,
              "jclouds.provider=transient",
              "jclouds.identity=" + accessKey,
              "jclouds.credential=" + secretKey,
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChildProcess process =
        ChildProcess.start(
            "s3proxy",
            List.of(
                "java",
                "-Xmx256m",
                "-jar",
                Deploy.s3proxyJar().toString(),
                "--properties",
                properties.toString()),
            Map.of("LOG_LEVEL", "warn"),
            dir,
            dir);
    S3Proxy proxy = new S3Proxy(process, endpoint, accessKey, secretKey);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      if (!process.alive()) {
        throw new AssertionError("S3Proxy exited:\n" + process.tails());
      }
      try {
        // An unsigned request: S3Proxy answers 403 once it listens.
        Deploy.get(endpoint + "/");
        return proxy;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          process.close();
          throw new AssertionError("S3Proxy did not listen within 120 s:\n" + process.tails());
        }
        Thread.sleep(300);
      }
    }
  }

  String endpoint() {
    return endpoint;
  }

  /** An S3 client of this server (AWS SDK v1, path-style), for the test's own calls. */
  AmazonS3 client() {
    return AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(
            new AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
        .withPathStyleAccessEnabled(true)
        .withCredentials(
            new AWSStaticCredentialsProvider(new BasicAWSCredentials(accessKey, secretKey)))
        .build();
  }

  @Override
  public void close() {
    process.close();
  }
}
