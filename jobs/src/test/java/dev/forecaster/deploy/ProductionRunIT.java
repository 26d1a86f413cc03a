package dev.forecaster.deploy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.ListObjectsV2Request;
import com.amazonaws.services.s3.model.ListObjectsV2Result;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import com.fasterxml.jackson.databind.JsonNode;
import dev.forecaster.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * forecaster as it runs in production, every part real and in its own process: the application jar
 * through bin/spark-submit (Spark's launcher, then {@code org.apache.spark.deploy.SparkSubmit}),
 * tables and models on {@code s3a://} (S3Proxy on loopback, configured by conf/s3.conf with the
 * credentials in the environment only), a standalone cluster (a Master and a Worker running two
 * 1-core executors), and the reader jar serving the forecasts from S3.
 *
 * <p>The steps share one S3 server, one bucket and one cluster, in order:
 *
 * <ol>
 *   <li>{@code --master local[2]}: {@code ingest} of the market without its last day into warehouse
 *       A, then {@code retrain} (1 d and 7 d, 10 trees) with the models on S3; warehouse B becomes
 *       a copy of A.
 *   <li>{@code --master local[2]}: {@code nightly} of the last day on A (ingest, features,
 *       forecast: 1 d by the model, 7 d and 30 d by the naive baseline, monitor).
 *   <li>the standalone cluster: the same {@code nightly} on B, which must write the same forecasts.
 *   <li>the reader jar serves A's forecasts from S3.
 *   <li>neither key appears in any output of any process, nor in any object written.
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionRunIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  private static final String BUCKET = "forecaster-it";
  private static final String WAREHOUSE_A = "s3a://" + BUCKET + "/warehouse-a";
  private static final String WAREHOUSE_B = "s3a://" + BUCKET + "/warehouse-b";
  private static final String MODELS = "s3a://" + BUCKET + "/models";
  private static final String ACCESS_KEY = "AKIAIT" + UUID.randomUUID().toString().substring(0, 8);
  private static final String SECRET_KEY = "itsecret-" + UUID.randomUUID();
  private static final List<Integer> TRAINED = List.of(1440);

  @TempDir static Path dir;

  private static S3Proxy s3;
  private static StandaloneCluster cluster;
  private static DeployMarket market;
  private static Path conf;
  private static boolean retrained;
  private static List<String> localForecasts;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3Proxy.start(dir.resolve("s3proxy"), ACCESS_KEY, SECRET_KEY);
    s3.client().createBucket(BUCKET);
    // This JVM reads what the jobs wrote (the test's own access, scoped to the bucket).
    Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
    String bucket = "fs.s3a.bucket." + BUCKET + ".";
    hadoop.set(bucket + "endpoint", s3.endpoint());
    hadoop.set(bucket + "path.style.access", "true");
    hadoop.set(bucket + "endpoint.region", "us-east-1");
    hadoop.set(
        bucket + "aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    hadoop.set(bucket + "access.key", ACCESS_KEY);
    hadoop.set(bucket + "secret.key", SECRET_KEY);
    market = DeployMarket.write(dir.resolve("market"));
    conf = market.conf(dir.resolve("s3-deploy.conf"), Deploy.root().resolve("conf/s3.conf"));
    cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, "2g", credentials());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  @Order(1)
  void ingestAndRetrainWriteTablesAndModelsToS3() throws Exception {
    Path retrainConf =
        market.conf(
            dir.resolve("s3-retrain.conf"),
            Deploy.root().resolve("conf/s3.conf"),
            "  horizons-minutes = [1440]");
    SparkSubmit.Result ingest =
        submitLocal(
            "ingest",
            List.of(
                "ingest",
                "--conf",
                conf.toString(),
                "--prices",
                market.initial.resolve("prices").toString(),
                "--events",
                market.initial.resolve("events").toString(),
                "--bar",
                "1d"));
    assertEquals(0, ingest.exitCode(), ingest.tails());
    assertEquals(
        2L * (DeployMarket.DAYS - 1), table(WAREHOUSE_A, "prices").count(), "every candle stored");

    Path result = dir.resolve("retrain.json");
    SparkSubmit.Result retrain =
        submitLocal(
            "retrain",
            List.of(
                "retrain",
                "--conf",
                retrainConf.toString(),
                "--as-of",
                DeployMarket.DAY_BEFORE.toString(),
                "--result-json",
                result.toString()));
    assertEquals(0, retrain.exitCode(), retrain.tails());
    JsonNode outcome = Deploy.JSON.readTree(result.toFile());
    assertTrue(outcome.path("any_promoted").asBoolean(), outcome.toString());
    List<Row> promoted =
        table(WAREHOUSE_A, "model_registry")
            .where(col("status").equalTo("promoted"))
            .collectAsList();
    assertEquals(
        TRAINED, promoted.stream().map(r -> r.<Integer>getAs("horizon_minutes")).sorted().toList());
    SparkSession spark = TestSpark.session();
    for (Row model : promoted) {
      String artifact = model.getAs("artifact_uri");
      assertTrue(artifact.startsWith(MODELS + "/"), artifact);
      org.apache.hadoop.fs.Path metadata =
          new org.apache.hadoop.fs.Path(model.<String>getAs("metadata_uri"));
      FileSystem fs = metadata.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (var in = fs.open(metadata)) {
        JsonNode m = Deploy.JSON.readTree(in);
        assertEquals(model.<String>getAs("version"), m.path("version").asText());
      }
    }
    // Warehouse B: the same state, for the cluster's night.
    org.apache.hadoop.fs.Path a = new org.apache.hadoop.fs.Path(WAREHOUSE_A);
    FileSystem fs = a.getFileSystem(spark.sparkContext().hadoopConfiguration());
    assertTrue(
        FileUtil.copy(
            fs,
            a,
            fs,
            new org.apache.hadoop.fs.Path(WAREHOUSE_B),
            false,
            spark.sparkContext().hadoopConfiguration()));
    retrained = true;
  }

  @Test
  @Order(2)
  void nightlyOnLocal2IngestsTheDeliveryAndForecastsWithThePromotedModel() throws Exception {
    assertTrue(retrained, "needs step 1 (ingest and retrain)");
    SparkSubmit.Result r = submitLocal("nightly-local", nightly(WAREHOUSE_A));
    assertEquals(0, r.exitCode(), r.tails());
    List<String> steps =
        r.stdout()
            .lines()
            .filter(l -> l.matches("\\w+ +[0-9.]+ s .*"))
            .map(l -> l.split(" ")[0])
            .toList();
    assertEquals(List.of("ingest", "features", "forecast"), steps.subList(0, 3), r.stdout());
    assertEquals(2L * DeployMarket.DAYS, table(WAREHOUSE_A, "prices").count(), "1 new candle each");

    // The last day's candle of each symbol was ingested as written in the landing file.
    for (String symbol : DeployMarket.SYMBOLS) {
      String[] candle = market.lastCandles.get(symbol);
      Row stored =
          table(WAREHOUSE_A, "prices")
              .where(col("symbol").equalTo(symbol))
              .where(col("open_time").equalTo(lit(Timestamp.from(Instant.parse(candle[0])))))
              .select("open", "high", "low", "close")
              .first();
      for (int i = 0; i < 4; i++) {
        assertEquals(Double.parseDouble(candle[i + 1]), stored.getDouble(i), 1e-9, symbol);
      }
    }

    Dataset<Row> forecasts = forecastsOfTheNight(WAREHOUSE_A);
    assertEquals(6, forecasts.count(), "2 symbols x 3 horizons x 1 lookback");
    Dataset<Row> features =
        table(WAREHOUSE_A, "features")
            .where(col("as_of").equalTo(lit(Timestamp.from(DeployMarket.AS_OF))))
            .where(col("lookback_days").equalTo(60));
    for (Row model :
        table(WAREHOUSE_A, "model_registry")
            .where(col("status").equalTo("promoted"))
            .collectAsList()) {
      int horizon = model.getAs("horizon_minutes");
      // The model's own probability of "up" for the night's features, computed here.
      Map<String, Double> expected = new TreeMap<>();
      PipelineModel.load(model.<String>getAs("artifact_uri"))
          .transform(features)
          .select(
              col("symbol"), functions.vector_to_array(col("probability"), "float64").getItem(1))
          .collectAsList()
          .forEach(row -> expected.put(row.getString(0), row.getDouble(1)));
      assertEquals(DeployMarket.SYMBOLS, List.copyOf(expected.keySet()));
      List<Row> rows = forecasts.where(col("horizon_minutes").equalTo(horizon)).collectAsList();
      assertEquals(2, rows.size());
      for (Row row : rows) {
        String symbol = row.getAs("symbol");
        assertEquals("ml", row.getAs("model_type"), symbol);
        assertEquals(model.<String>getAs("model_name"), row.getAs("model_name"));
        assertEquals(model.<String>getAs("version"), row.getAs("model_version"));
        double pUp = row.getAs("p_up");
        assertEquals(expected.get(symbol), pUp, 1e-12, symbol);
        assertEquals(pUp > 0.5 ? "up" : "down", row.getAs("direction"));
        assertEquals(Math.max(pUp, 1 - pUp), (double) row.getAs("confidence"), 1e-12);
      }
    }
    List<Row> naive = forecasts.where(col("horizon_minutes").isin(10_080, 43_200)).collectAsList();
    assertEquals(4, naive.size(), "no model was trained for 7 d and 30 d");
    for (Row row : naive) {
      assertEquals("naive", row.getAs("model_type"));
      assertTrue(
          String.valueOf(row.<String>getAs("fallback_reason")).contains("no promoted model"),
          row.toString());
    }
    localForecasts = comparable(forecasts);
  }

  @Test
  @Order(3)
  void nightlyOnTheStandaloneClusterWritesTheSameForecastsAsLocal() throws Exception {
    assertNotNull(localForecasts, "needs step 2 (the local nightly)");
    // The cluster has hadoop-aws and the SDK on its classpath (as EMR or Dataproc do), and its
    // nodes have the credentials in their environment, which executors inherit.
    String s3aClasspath = String.join(":", Deploy.s3aJars().stream().map(Path::toString).toList());
    SparkSubmit.Result r =
        SparkSubmit.run(
            "nightly-cluster",
            List.of(
                "--master",
                cluster.masterUrl(),
                "--deploy-mode",
                "client",
                "--driver-memory",
                "1g",
                "--executor-memory",
                "1g",
                "--executor-cores",
                "1",
                "--total-executor-cores",
                "2",
                "--conf",
                "spark.executor.extraJavaOptions=" + SparkSubmit.JVM_OPTIONS,
                "--conf",
                "spark.driver.extraClassPath=" + s3aClasspath,
                "--conf",
                "spark.executor.extraClassPath=" + s3aClasspath),
            nightly(WAREHOUSE_B),
            s3Environment(),
            dir.resolve("cluster-submit"),
            TIMEOUT);
    assertEquals(0, r.exitCode(), r.tails());

    // The Master ran it as an application with two executors on the Worker, which ran tasks.
    JsonNode state = cluster.state();
    List<JsonNode> apps = new ArrayList<>();
    state.path("completedapps").forEach(apps::add);
    assertEquals(1, apps.size(), state.toString());
    assertEquals("forecaster-nightly", apps.get(0).path("name").asText());
    assertEquals("FINISHED", apps.get(0).path("state").asText());
    Path appDir = cluster.workDir().resolve(apps.get(0).path("id").asText());
    List<Path> executors;
    try (Stream<Path> s = Files.list(appDir)) {
      executors = s.filter(Files::isDirectory).toList();
    }
    assertEquals(2, executors.size(), "executor folders in " + appDir);
    long tasks = 0;
    for (Path executor : executors) {
      try (Stream<String> lines = Files.lines(executor.resolve("stderr"))) {
        tasks += lines.filter(l -> l.contains("Executor: Finished task")).count();
      }
    }
    assertTrue(tasks > 0, "the executors ran tasks");

    assertEquals(localForecasts, comparable(forecastsOfTheNight(WAREHOUSE_B)));
  }

  @Test
  @Order(4)
  void theReaderServesTheForecastsFromS3() throws Exception {
    assertNotNull(localForecasts, "needs step 2 (the local nightly)");
    Map<String, String> env = new HashMap<>(s3Environment());
    List<String> command =
        List.of(
            "java",
            "-Xmx256m",
            "-jar",
            Deploy.readerJar().toString(),
            "--conf",
            Deploy.root().resolve("conf/s3.conf").toString(),
            "--port",
            "0");
    try (ChildProcess reader =
        ChildProcess.start("reader", command, env, dir.resolve("reader"), dir.resolve("reader"))) {
      String url = awaitListening(reader);
      JsonNode health = Deploy.getJson(url + "/health");
      assertEquals(
          TestSpark.session()
              .sql("DESCRIBE HISTORY delta.`" + WAREHOUSE_A + "/forecasts` LIMIT 1")
              .first()
              .<Long>getAs("version"),
          health.path("table_version").asLong(),
          health.toString());
      assertEquals(DeployMarket.AS_OF.toString(), health.path("latest_as_of").asText());
      for (Row row : forecastsOfTheNight(WAREHOUSE_A).collectAsList()) {
        String symbol = row.getAs("symbol");
        int horizon = row.getAs("horizon_minutes");
        JsonNode served =
            Deploy.getJson(
                url + "/forecast/asset?symbol=" + symbol + "&horizon_minutes=" + horizon);
        String what = symbol + " " + horizon + ": " + served;
        assertEquals(DeployMarket.AS_OF.toString(), served.path("as_of").asText(), what);
        assertEquals(row.<String>getAs("model_type"), served.path("model_type").asText(), what);
        assertEquals(row.<String>getAs("direction"), served.path("direction").asText(), what);
        assertEquals((double) row.getAs("confidence"), served.path("confidence").asDouble(), 1e-12);
        assertEquals(
            String.valueOf(row.<String>getAs("model_version")),
            served.path("model_version").isNull() ? "null" : served.path("model_version").asText(),
            what);
      }
      long rssKb = residentKb(reader.pid());
      assertTrue(rssKb < 450 * 1024, "reader RSS " + rssKb / 1024 + " MB");
    }
  }

  @Test
  @Order(5)
  void credentialsAppearInNoOutputAndNoObject() throws Exception {
    assertNotNull(localForecasts, "needs the runs before");
    List<String> leaks = new ArrayList<>();
    Path properties = dir.resolve("s3proxy/s3proxy.properties"); // the server's own key store
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (!f.equals(properties) && !f.startsWith(dir.resolve("market")) && contains(f)) {
          leaks.add(f.toString());
        }
      }
    }
    AmazonS3 client = s3.client();
    int objects = 0;
    ListObjectsV2Request request = new ListObjectsV2Request().withBucketName(BUCKET);
    ListObjectsV2Result page;
    do {
      page = client.listObjectsV2(request);
      for (S3ObjectSummary o : page.getObjectSummaries()) {
        objects++;
        byte[] bytes;
        try (var in = client.getObject(BUCKET, o.getKey()).getObjectContent()) {
          bytes = in.readAllBytes();
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (text.contains(SECRET_KEY) || text.contains(ACCESS_KEY)) {
          leaks.add("s3://" + BUCKET + "/" + o.getKey());
        }
      }
      request.setContinuationToken(page.getNextContinuationToken());
    } while (page.isTruncated());
    assertTrue(objects > 50, "objects scanned: " + objects);
    assertEquals(List.of(), leaks, "files or objects holding a key");
  }

  private static SparkSubmit.Result submitLocal(String name, List<String> command)
      throws InterruptedException {
    // hadoop-aws and the SDK shipped with the application, as --packages would.
    String jars = String.join(",", Deploy.s3aJars().stream().map(Path::toString).toList());
    return SparkSubmit.run(
        name,
        List.of("--master", "local[2]", "--driver-memory", "1g", "--jars", jars),
        command,
        s3Environment(),
        dir.resolve(name),
        TIMEOUT);
  }

  private static List<String> nightly(String warehouse) {
    return List.of(
        "nightly",
        "--conf",
        conf.toString(),
        "--warehouse",
        warehouse,
        "--as-of",
        DeployMarket.AS_OF.toString());
  }

  /** The keys, as a cluster node or a CI runner has them: in the environment only. */
  private static Map<String, String> credentials() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    // Nothing here may ask a cloud metadata endpoint for credentials.
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    return env;
  }

  /** conf/s3.conf's environment: where the tables, the models and the S3 server are. */
  private static Map<String, String> s3Environment() {
    Map<String, String> env = credentials();
    env.put("FORECASTER_WAREHOUSE", WAREHOUSE_A);
    env.put("FORECASTER_MODELS_ROOT", MODELS);
    env.put("FORECASTER_S3_ENDPOINT", s3.endpoint());
    env.put("FORECASTER_S3_PATH_STYLE", "true");
    return env;
  }

  private static Dataset<Row> table(String warehouse, String name) {
    return TestSpark.session().read().format("delta").load(warehouse + "/" + name);
  }

  private static Dataset<Row> forecastsOfTheNight(String warehouse) {
    return table(warehouse, "forecasts")
        .where(col("as_of").equalTo(lit(Timestamp.from(DeployMarket.AS_OF))));
  }

  /** Every column but run_id and created_at, maps with sorted keys, one string per row, sorted. */
  private static List<String> comparable(Dataset<Row> rows) {
    Dataset<Row> values = rows.drop("run_id", "created_at");
    StructField[] fields = values.schema().fields();
    List<String> out = new ArrayList<>();
    for (Row row : values.collectAsList()) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < fields.length; i++) {
        Object value =
            fields[i].dataType() instanceof MapType && !row.isNullAt(i)
                ? new TreeMap<>(row.getJavaMap(i))
                : row.get(i);
        line.append(fields[i].name()).append('=').append(value).append(' ');
      }
      out.add(line.toString());
    }
    out.sort(null);
    return out;
  }

  private static String awaitListening(ChildProcess reader) throws InterruptedException {
    Pattern listening = Pattern.compile("listening on (http://[0-9.]+:[0-9]+)");
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = listening.matcher(reader.stdout());
      if (m.find()) {
        return m.group(1);
      }
      if (!reader.alive()) {
        throw new AssertionError("the reader exited:\n" + reader.tails());
      }
      Thread.sleep(300);
    }
    throw new AssertionError("the reader did not listen within 180 s:\n" + reader.tails());
  }

  private static long residentKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS for " + pid);
  }

  private static boolean contains(Path file) throws IOException {
    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    return text.contains(SECRET_KEY) || text.contains(ACCESS_KEY);
  }
}
