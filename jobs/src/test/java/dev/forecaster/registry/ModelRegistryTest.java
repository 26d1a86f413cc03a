package dev.forecaster.registry;

import static dev.forecaster.registry.RegistryEntry.*;
import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.ForestScores;
import dev.forecaster.model.TinyForest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Delta model registry: statuses, history, and its one-promoted-per-horizon invariant. */
class ModelRegistryTest {
  static final String M7 = "ml_forecaster_7d_rf";
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir Path tmp;

  record Fixture(ForecasterConfig config, Warehouse warehouse, ModelRegistry registry) {}

  Fixture fixture() {
    ForecasterConfig config =
        ConfigLoader.load(null, Map.of("warehouse", tmp.resolve("wh").toString()));
    Warehouse warehouse = new Warehouse(TestSpark.session(), config);
    return new Fixture(config, warehouse, new ModelRegistry(TestSpark.session(), warehouse));
  }

  static RegistryEntry candidate(ModelArtifacts a, int number) {
    String v = "v" + number;
    return new RegistryEntry(
        M7,
        v,
        number,
        10_080,
        60,
        CANDIDATE,
        a.pipelineUri(M7, v),
        a.metadataUri(M7, v),
        "fingerprint-" + number,
        T0,
        T0,
        "trained");
  }

  static Instant at(int step) {
    return T0.plusSeconds(60L * step);
  }

  static void promote(ModelRegistry r, String ref, int step) {
    r.apply(
        Promotions.promote(r.all(), r.resolve(ref), "step " + step, at(step)),
        Map.of(),
        "run" + step,
        at(step));
  }

  static List<String> promotedRefs(ModelRegistry r) {
    return r.all().stream()
        .filter(e -> PROMOTED.equals(e.status()))
        .map(RegistryEntry::ref)
        .toList();
  }

  @Test
  void registerPromoteRetireAndRollBackWithOnePromotedVersion() {
    Fixture f = fixture();
    ModelRegistry r = f.registry();
    ModelArtifacts a = new ModelArtifacts(TestSpark.session(), f.config().resolvedModelsRoot());
    assertEquals(List.of(), r.all());
    assertEquals(1, r.nextVersionNumber(M7));

    r.apply(
        List.of(candidate(a, 1), candidate(a, 2)), Map.of(M7 + ":v1", "{\"n\":3}"), "train", at(0));
    assertEquals(
        List.of(M7 + ":v1", M7 + ":v2"), r.all().stream().map(RegistryEntry::ref).toList());
    assertEquals(3, r.nextVersionNumber(M7));
    assertEquals(1, r.nextVersionNumber("ml_forecaster_1d_rf"));
    assertEquals(M7 + ":v2", r.resolve(M7).ref()); // no version: the newest
    assertEquals(M7 + ":v1", r.resolve(M7 + ":v1").ref());
    assertEquals(Optional.of(candidate(a, 1)), r.findByFingerprint(M7, "fingerprint-1"));
    assertEquals(Optional.empty(), r.promoted(10_080));
    ForecasterException unknown =
        assertThrows(ForecasterException.class, () -> r.resolve("ml_forecaster_1d_rf"));
    assertTrue(
        unknown.getMessage().contains("[" + M7 + ":v1, " + M7 + ":v2]"), unknown.getMessage());
    List<StatusChange> registered = r.history();
    assertEquals(2, registered.size());
    assertNull(registered.get(0).fromStatus());
    assertEquals(CANDIDATE, registered.get(0).toStatus());

    promote(r, M7 + ":v1", 1);
    assertEquals(M7 + ":v1", r.promoted(10_080).orElseThrow().ref());

    // promoting v2 retires v1 in the same commit
    long before = f.warehouse().currentVersion(Tables.MODEL_REGISTRY);
    promote(r, M7 + ":v2", 2);
    assertEquals(before + 1, f.warehouse().currentVersion(Tables.MODEL_REGISTRY));
    assertEquals(List.of(M7 + ":v2"), promotedRefs(r));
    assertEquals(RETIRED, r.resolve(M7 + ":v1").status());
    assertEquals("replaced by " + M7 + ":v2", r.resolve(M7 + ":v1").statusReason());
    List<StatusChange> history = r.history();
    StatusChange last = history.get(history.size() - 1);
    assertEquals(at(2), last.changedAt());
    assertEquals(
        List.of(M7 + ":v1 promoted->retired", M7 + ":v2 candidate->promoted"),
        history.stream()
            .filter(h -> h.changedAt().equals(at(2)))
            .map(
                h -> h.modelName() + ":" + h.version() + " " + h.fromStatus() + "->" + h.toStatus())
            .sorted()
            .toList());

    // a change that would leave two promoted versions is refused and writes nothing
    long guarded = f.warehouse().currentVersion(Tables.MODEL_REGISTRY);
    RegistryEntry v1 = r.resolve(M7 + ":v1");
    assertThrows(
        IllegalStateException.class,
        () -> r.apply(List.of(v1.withStatus(PROMOTED, "by hand", at(3))), Map.of(), "bad", at(3)));
    assertEquals(guarded, f.warehouse().currentVersion(Tables.MODEL_REGISTRY));
    assertEquals(List.of(M7 + ":v2"), promotedRefs(r));

    // rollback returns to v1 and retires v2
    r.apply(Promotions.rollback(r.all(), r.history(), M7, at(4)), Map.of(), "rollback", at(4));
    assertEquals(List.of(M7 + ":v1"), promotedRefs(r));
    assertEquals(RETIRED, r.resolve(M7 + ":v2").status());
    assertEquals(
        List.of(M7 + ":v1", M7 + ":v2"),
        Promotions.previouslyPromoted(r.all(), r.history(), 10_080).stream()
            .map(RegistryEntry::ref)
            .toList());

    // an event keeps the status and does not count as a promotion
    r.recordEvent(r.resolve(M7 + ":v1"), "failed to load", "nightly", at(5));
    assertEquals(List.of(M7 + ":v1"), promotedRefs(r));
    StatusChange event = r.history().get(r.history().size() - 1);
    assertEquals(PROMOTED, event.fromStatus());
    assertEquals(PROMOTED, event.toStatus());
    assertEquals("failed to load", event.reason());
  }

  @Test
  void aCorruptedPromotedArtifactFallsBackToThePreviouslyPromotedVersion() throws Exception {
    Fixture f = fixture();
    ModelRegistry r = f.registry();
    ModelArtifacts a = new ModelArtifacts(TestSpark.session(), f.config().resolvedModelsRoot());
    PipelineModel model = TinyForest.fit();
    RegistryEntry v1 = candidate(a, 1);
    RegistryEntry v2 = candidate(a, 2);
    a.savePipeline(model, v1.artifactUri());
    a.savePipeline(model, v2.artifactUri());
    r.apply(List.of(v1, v2), Map.of(), "train", at(0));
    promote(r, v1.ref(), 1);
    promote(r, v2.ref(), 2);

    ModelArtifactsTest.deleteTree(Path.of(v2.artifactUri()));
    assertThrows(Exception.class, () -> a.loadPipeline(v2.artifactUri()));

    List<RegistryEntry> candidates = Promotions.previouslyPromoted(r.all(), r.history(), 10_080);
    assertEquals(List.of(v2.ref(), v1.ref()), candidates.stream().map(RegistryEntry::ref).toList());
    PipelineModel loaded = null;
    String used = null;
    for (RegistryEntry e : candidates) {
      try {
        loaded = a.loadPipeline(e.artifactUri());
        used = e.ref();
        break;
      } catch (Exception unreadable) {
        assertFalse(e.ref().equals(v1.ref()), "v1 is intact");
      }
    }
    assertEquals(v1.ref(), used);
    List<Row> expected =
        ForestScores.pUp(model, TinyForest.samples()).orderBy(AS_OF).collectAsList();
    assertEquals(
        expected, ForestScores.pUp(loaded, TinyForest.samples()).orderBy(AS_OF).collectAsList());
  }
}
