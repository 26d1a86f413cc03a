package dev.forecaster.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** conf/s3.conf as the reader reads it: s3a settings for its Hadoop file system, no credentials. */
class S3ConfTest {
  private static final Path S3_CONF = Path.of("..", "conf", "s3.conf");

  @Test
  void theSparkHadoopSettingsBecomeTheReadersHadoopSettings() {
    ReaderConfig c = ReaderConfig.load(S3_CONF, Map.of());
    assertEquals("s3a://forecaster/warehouse", c.warehouse());
    assertEquals("s3a://forecaster/warehouse/forecasts", c.forecastsTable());
    assertEquals("s3.amazonaws.com", c.hadoop().get("fs.s3a.endpoint"));
    assertEquals("false", c.hadoop().get("fs.s3a.path.style.access"));
    assertEquals(
        "com.amazonaws.auth.EnvironmentVariableCredentialsProvider,"
            + "org.apache.hadoop.fs.s3a.auth.IAMInstanceCredentialsProvider",
        c.hadoop().get("fs.s3a.aws.credentials.provider"));
    // Only spark.hadoop.* entries, without the prefix; no key material.
    c.hadoop().keySet().forEach(k -> assertTrue(k.startsWith("fs.s3a."), k));
    c.hadoop()
        .keySet()
        .forEach(k -> assertTrue(!k.contains("secret") && !k.contains("access.key"), k));
  }

  @Test
  void aLocalWarehouseHasNoHadoopSettings() {
    assertEquals(Map.of(), ReaderConfig.load(null, Map.of()).hadoop());
  }
}
