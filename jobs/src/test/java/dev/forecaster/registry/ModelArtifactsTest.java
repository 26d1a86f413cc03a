package dev.forecaster.registry;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.TestSpark;
import dev.forecaster.model.ForestScores;
import dev.forecaster.model.TinyForest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving, loading and breaking a model version's files. */
class ModelArtifactsTest {
  @TempDir static Path root;
  static PipelineModel model;
  static List<Row> expected;

  @BeforeAll
  static void fit() {
    model = TinyForest.fit();
    expected = ForestScores.pUp(model, TinyForest.samples()).orderBy(AS_OF).collectAsList();
  }

  ModelArtifacts artifacts(String sub) {
    return new ModelArtifacts(TestSpark.session(), root.resolve(sub).toString() + "/");
  }

  @Test
  void versionFilesLiveUnderNameAndVersion() {
    ModelArtifacts a = new ModelArtifacts(TestSpark.session(), "s3a://bucket/models/");
    assertEquals("s3a://bucket/models/m/v2", a.versionDir("m", "v2"));
    assertEquals("s3a://bucket/models/m/v2/pipeline", a.pipelineUri("m", "v2"));
    assertEquals("s3a://bucket/models/m/v2/metadata.json", a.metadataUri("m", "v2"));
    assertEquals("s3a://bucket/models/m/v2/training_samples", a.trainingSamplesUri("m", "v2"));
  }

  @Test
  void aSavedPipelineLoadsAndScoresTheSame() {
    ModelArtifacts a = artifacts("roundtrip");
    String uri = a.pipelineUri("m", "v1");
    a.savePipeline(model, uri);
    PipelineModel loaded = a.loadPipeline(uri);
    assertEquals(
        expected, ForestScores.pUp(loaded, TinyForest.samples()).orderBy(AS_OF).collectAsList());
  }

  @Test
  void aMissingPipelineFailsToLoad() throws Exception {
    ModelArtifacts a = artifacts("deleted");
    String uri = a.pipelineUri("m", "v1");
    a.savePipeline(model, uri);
    deleteTree(Path.of(uri));
    assertThrows(Exception.class, () -> a.loadPipeline(uri));
  }

  @Test
  void aGarbledPipelineFailsToLoad() throws Exception {
    ModelArtifacts a = artifacts("garbled");
    String uri = a.pipelineUri("m", "v1");
    a.savePipeline(model, uri);
    // overwrite every file of the saved forest (stage 3: its metadata and its trees) with junk
    int garbled = 0;
    try (Stream<Path> files = Files.walk(Path.of(uri, "stages"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (Path.of(uri, "stages").relativize(f).getName(0).toString().startsWith("3_")) {
          Files.writeString(f, "not a model");
          garbled++;
        }
      }
    }
    assertTrue(garbled >= 2, "files of the forest stage: " + garbled);
    assertThrows(Exception.class, () -> a.loadPipeline(uri));
  }

  @Test
  void metadataAndTrainingSamplesRoundTrip() {
    ModelArtifacts a = artifacts("files");
    ObjectNode m = ModelArtifacts.JSON.createObjectNode();
    m.put("model_name", "m");
    m.putObject("table_versions").put("prices", 3L);
    String uri = a.metadataUri("m", "v1");
    a.writeMetadata(m, uri);
    assertEquals(m.toString(), a.readMetadata(uri).toString()); // 3L reads back as an int node
    m.put("gate", "PASSED");
    a.writeMetadata(m, uri); // overwrites
    assertEquals("PASSED", a.readMetadata(uri).get("gate").asText());

    String samplesUri = a.trainingSamplesUri("m", "v1");
    a.saveTrainingSamples(TinyForest.samples().select(SYMBOL, AS_OF), samplesUri);
    assertEquals(
        TinyForest.samples().select(SYMBOL, AS_OF).orderBy(AS_OF).collectAsList(),
        a.trainingSamples(samplesUri).orderBy(AS_OF).collectAsList());
  }

  static void deleteTree(Path p) throws Exception {
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
