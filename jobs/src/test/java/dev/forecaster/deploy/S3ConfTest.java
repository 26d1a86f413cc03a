package dev.forecaster.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * conf/s3.conf as the jobs read it (its use against a real S3 API is {@link ProductionRunIT}): the
 * warehouse and models on s3a, the s3a settings as Spark settings, credentials from the provider
 * chain only.
 */
class S3ConfTest {
  private static final Path S3_CONF = Path.of("..", "conf", "s3.conf");

  @Test
  void tablesAndModelsOnS3aWithTheProviderChainAndNoKeys() throws IOException {
    ForecasterConfig c = ConfigLoader.load(S3_CONF, Map.of());
    assertEquals("s3a://forecaster/warehouse", c.warehouse());
    assertEquals("s3a://forecaster/models", c.resolvedModelsRoot());
    assertEquals("s3a://forecaster/warehouse/forecasts", c.tablePath("forecasts"));
    Map<String, String> spark = c.spark();
    assertEquals("s3.amazonaws.com", spark.get("spark.hadoop.fs.s3a.endpoint"));
    assertEquals("false", spark.get("spark.hadoop.fs.s3a.path.style.access"));
    assertEquals(
        "com.amazonaws.auth.EnvironmentVariableCredentialsProvider,"
            + "org.apache.hadoop.fs.s3a.auth.IAMInstanceCredentialsProvider",
        spark.get("spark.hadoop.fs.s3a.aws.credentials.provider"));
    spark.keySet().forEach(k -> assertFalse(k.contains("secret") || k.contains("access.key"), k));
    // The defaults of conf/reference.conf still apply underneath.
    assertEquals("UTC", spark.get("spark.sql.session.timeZone"));
    String text = Files.readString(S3_CONF);
    assertFalse(text.contains("fs.s3a.secret.key") || text.contains("fs.s3a.access.key"));
  }

  @Test
  void theWarehouseFlagStillWins() {
    ForecasterConfig c = ConfigLoader.load(S3_CONF, Map.of("warehouse", "s3a://other/wh"));
    assertEquals("s3a://other/wh", c.warehouse());
    assertEquals("s3a://forecaster/models", c.resolvedModelsRoot());
  }
}
