package dev.forecaster.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.errors.ForecasterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path tmp;

  @Test
  void defaultsAreTheSeedSystemsValues() {
    ForecasterConfig c = ConfigLoader.defaults();
    assertEquals(List.of(1440, 10080, 43200), c.horizonsMinutes());
    assertEquals(List.of(60), c.lookbacksDays());
    assertEquals(new ForecasterConfig.RandomForest(300, 8, 5, 32, 42, 2), c.randomForest());
    assertEquals(new ForecasterConfig.Split(0.8, true), c.split());
    assertEquals(Duration.ofDays(2), c.maxStaleness());
    assertEquals(new ForecasterConfig.Gate(2.0, 0.5, 0.6666666666666666), c.gate());
    assertEquals(60, c.backtestDays());
    assertEquals("8", c.spark().get("spark.sql.shuffle.partitions"));
    // Relative to the working directory, as an absolute path (Delta rejects relative locations).
    assertEquals(Path.of("").toAbsolutePath().resolve("warehouse").toString(), c.warehouse());
    // The card's layout: ./warehouse and ./models side by side.
    assertEquals(Path.of("").toAbsolutePath().resolve("models").toString(), c.resolvedModelsRoot());
  }

  @Test
  void aWarehouseSetByFlagOrFileKeepsItsRegistryInside() throws IOException {
    assertEquals(
        "/data/wh/models",
        ConfigLoader.load(null, Map.of("warehouse", "/data/wh")).resolvedModelsRoot());
    Path file = tmp.resolve("wh.conf");
    Files.writeString(file, "forecaster.warehouse = \"/data/other\"");
    assertEquals("/data/other/models", ConfigLoader.load(file, Map.of()).resolvedModelsRoot());
    Path trees = tmp.resolve("trees.conf");
    Files.writeString(trees, "forecaster.model.random-forest.num-trees = 20");
    assertEquals(
        Path.of("").toAbsolutePath().resolve("models").toString(),
        ConfigLoader.load(trees, Map.of()).resolvedModelsRoot());
  }

  @Test
  void relativeLocalPathsBecomeAbsoluteAndUrisStayAsGiven() {
    String cwd = Path.of("").toAbsolutePath().toString();
    ForecasterConfig relative =
        ConfigLoader.load(null, Map.of("warehouse", "bench/../wh", "models-root", "m"));
    assertEquals(cwd + "/wh", relative.warehouse());
    assertEquals(cwd + "/wh/prices", relative.tablePath("prices"));
    assertEquals(cwd + "/m", relative.resolvedModelsRoot());
    ForecasterConfig uris =
        ConfigLoader.load(
            null, Map.of("warehouse", "s3a://b/wh", "models-root", "file:/tmp/models"));
    assertEquals("s3a://b/wh", uris.warehouse());
    assertEquals("file:/tmp/models", uris.resolvedModelsRoot());
    assertEquals("/data/wh", ConfigLoader.load(null, Map.of("warehouse", "/data/wh")).warehouse());
  }

  @Test
  void aFileLayersOverDefaultsAndFlagsOverTheFile() throws IOException {
    Path file = tmp.resolve("my.conf");
    Files.writeString(
        file,
        "forecaster { warehouse = \"/data/wh\", model.random-forest.num-trees = 20,"
            + " spark { \"spark.sql.shuffle.partitions\" = \"4\" } }");
    ForecasterConfig c = ConfigLoader.load(file, Map.of("warehouse", "s3a://bucket/prefix"));
    assertEquals("s3a://bucket/prefix", c.warehouse());
    assertEquals(20, c.randomForest().numTrees());
    assertEquals(8, c.randomForest().maxDepth());
    assertEquals("4", c.spark().get("spark.sql.shuffle.partitions"));
    assertEquals("s3a://bucket/prefix/prices", c.tablePath("prices"));
  }

  @Test
  void theShippedConfFilesLoad() {
    for (String name : List.of("local.conf", "test.conf")) {
      Path file = Path.of("..", "conf", name);
      ConfigLoader.load(file, Map.of());
    }
    assertEquals(
        20,
        ConfigLoader.load(Path.of("..", "conf", "test.conf"), Map.of()).randomForest().numTrees());
  }

  @Test
  void anUnknownKeyIsRejectedNotIgnored() throws IOException {
    Path file = tmp.resolve("typo.conf");
    Files.writeString(file, "forecaster.horizons = [60]");
    ForecasterException e =
        assertThrows(ForecasterException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(e.getMessage().contains("unknown key 'forecaster.horizons'"), e.getMessage());
    assertTrue(e.getMessage().contains("typo.conf"));
  }

  @Test
  void anInvalidValueNamesTheKeyAndTheRange() throws IOException {
    Path file = tmp.resolve("bad.conf");
    Files.writeString(file, "forecaster.model.split.train-ratio = 1.5");
    ForecasterException e =
        assertThrows(ForecasterException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(
        e.getMessage().contains("'model.split.train-ratio' must be in (0, 1)"), e.getMessage());
    Files.writeString(file, "forecaster.model.random-forest.num-trees = many");
    ForecasterException type =
        assertThrows(ForecasterException.class, () -> ConfigLoader.load(file, Map.of()));
    assertTrue(type.getMessage().contains("num-trees"), type.getMessage());
    ForecasterException missing =
        assertThrows(
            ForecasterException.class, () -> ConfigLoader.load(tmp.resolve("nope.conf"), Map.of()));
    assertTrue(missing.getMessage().contains("nope.conf: no such file"), missing.getMessage());
  }
}
