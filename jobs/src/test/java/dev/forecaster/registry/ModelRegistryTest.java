package dev.forecaster.registry;

import static dev.forecaster.registry.RegistryEntry.*;
import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * The Delta model registry through one life: two versions registered, promoted in turn (each
 * promotion retiring the one before, in one commit), the promoted artifact corrupted (loading
 * fails, the previously promoted version is the fallback), a change that would break the
 * one-promoted-per-horizon invariant refused, a rollback, and an event that keeps the status.
 */
class ModelRegistryTest {
  static final String M7 = "ml_forecaster_7d_rf";
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir Path tmp;

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

  static List<String> refs(List<RegistryEntry> entries) {
    return entries.stream().map(RegistryEntry::ref).toList();
  }

  static List<String> promoted(List<RegistryEntry> all) {
    return refs(all.stream().filter(e -> PROMOTED.equals(e.status())).toList());
  }

  static RegistryEntry find(List<RegistryEntry> all, String ref) {
    return all.stream().filter(e -> e.ref().equals(ref)).findFirst().orElseThrow();
  }

  /** Changes of one step as "name:version from->to". */
  static List<String> changesAt(List<StatusChange> history, Instant at) {
    return history.stream()
        .filter(h -> h.changedAt().equals(at))
        .map(h -> h.modelName() + ":" + h.version() + " " + h.fromStatus() + "->" + h.toStatus())
        .sorted()
        .toList();
  }

  @Test
  void promotionsRetireFallBackAndRollBackWithOnePromotedVersionPerHorizon() throws Exception {
    ForecasterConfig config =
        ConfigLoader.load(null, Map.of("warehouse", tmp.resolve("wh").toString()));
    Warehouse warehouse = new Warehouse(TestSpark.session(), config);
    ModelRegistry r = new ModelRegistry(TestSpark.session(), warehouse);
    ModelArtifacts a = new ModelArtifacts(TestSpark.session(), config.resolvedModelsRoot());
    RegistryEntry v1 = candidate(a, 1);
    RegistryEntry v2 = candidate(a, 2);
    PipelineModel model = TinyForest.fit();
    a.savePipeline(model, v1.artifactUri());
    a.savePipeline(model, v2.artifactUri());
    assertEquals(List.of(), r.all());
    assertEquals(1, r.nextVersionNumber(M7));

    r.apply(List.of(v1, v2), Map.of(v1.ref(), "{\"n\":3}"), "train", at(0));
    assertEquals(List.of(v1, v2), r.all());
    assertEquals(3, r.nextVersionNumber(M7));
    assertEquals(v2.ref(), r.resolve(M7).ref()); // no version: the newest
    assertEquals(v1, r.resolve(M7 + ":v1"));
    assertEquals(Optional.of(v1), r.findByFingerprint(M7, "fingerprint-1"));
    ForecasterException unknown =
        assertThrows(ForecasterException.class, () -> r.resolve("ml_forecaster_1d_rf"));
    assertTrue(
        unknown.getMessage().contains("[" + M7 + ":v1, " + M7 + ":v2]"), unknown.getMessage());
    List<StatusChange> registered = r.history();
    assertEquals(
        List.of(M7 + ":v1 null->candidate", M7 + ":v2 null->candidate"),
        changesAt(registered, at(0)));
    assertEquals(
        "{\"n\":3}",
        registered.stream()
            .filter(h -> h.version().equals("v1"))
            .findFirst()
            .orElseThrow()
            .metricsJson());

    r.apply(Promotions.promote(r.all(), v1, "gate passed", at(1)), Map.of(), "run1", at(1));
    assertEquals(v1.ref(), r.promoted(10_080).orElseThrow().ref());

    // promoting v2 retires v1, in the same commit
    long before = warehouse.currentVersion(Tables.MODEL_REGISTRY);
    r.apply(Promotions.promote(r.all(), v2, "gate passed", at(2)), Map.of(), "run2", at(2));
    assertEquals(before + 1, warehouse.currentVersion(Tables.MODEL_REGISTRY));
    List<RegistryEntry> all = r.all();
    List<StatusChange> history = r.history();
    assertEquals(List.of(v2.ref()), promoted(all));
    assertEquals(RETIRED, find(all, v1.ref()).status());
    assertEquals("replaced by " + v2.ref(), find(all, v1.ref()).statusReason());
    assertEquals(
        List.of(M7 + ":v1 promoted->retired", M7 + ":v2 candidate->promoted"),
        changesAt(history, at(2)));

    // v2's artifact is lost: loading it fails, and the fallbacks are v2 then v1, the first loadable
    ModelArtifactsTest.deleteTree(Path.of(v2.artifactUri()));
    assertThrows(Exception.class, () -> a.loadPipeline(v2.artifactUri()));
    List<RegistryEntry> fallbacks = Promotions.previouslyPromoted(all, history, 10_080);
    assertEquals(List.of(v2.ref(), v1.ref()), refs(fallbacks));
    PipelineModel loaded = a.loadPipeline(fallbacks.get(1).artifactUri());
    List<Row> expected =
        ForestScores.pUp(model, TinyForest.samples()).orderBy(AS_OF).collectAsList();
    assertEquals(
        expected, ForestScores.pUp(loaded, TinyForest.samples()).orderBy(AS_OF).collectAsList());

    // a change that would leave two promoted versions is refused and writes nothing
    long guarded = warehouse.currentVersion(Tables.MODEL_REGISTRY);
    RegistryEntry retired = find(all, v1.ref());
    assertThrows(
        IllegalStateException.class,
        () ->
            r.apply(
                List.of(retired.withStatus(PROMOTED, "by hand", at(3))), Map.of(), "bad", at(3)));
    assertEquals(guarded, warehouse.currentVersion(Tables.MODEL_REGISTRY));

    // rollback returns to v1 and retires v2
    r.apply(Promotions.rollback(all, history, M7, at(4)), Map.of(), "rollback", at(4));
    all = r.all();
    assertEquals(List.of(v1.ref()), promoted(all));
    assertEquals(RETIRED, find(all, v2.ref()).status());
    assertEquals("rolled back to " + v1.ref(), find(all, v2.ref()).statusReason());

    // an event keeps the status and does not count as a promotion
    r.recordEvent(find(all, v1.ref()), "failed to load", "nightly", at(5));
    history = r.history();
    assertEquals(List.of(M7 + ":v1 promoted->promoted"), changesAt(history, at(5)));
    assertEquals("failed to load", history.get(history.size() - 1).reason());
    assertNull(history.get(history.size() - 1).metricsJson());
    assertEquals(List.of(v1.ref()), promoted(r.all()));
    assertEquals(
        List.of(v1.ref(), v2.ref()), refs(Promotions.previouslyPromoted(r.all(), history, 10_080)));
  }

  @Test
  void heldWritesAreReadAtOnceAndWrittenInOneCommitPerTableAtEachFlush() {
    ForecasterConfig heldConfig =
        ConfigLoader.load(null, Map.of("warehouse", tmp.resolve("held").toString()));
    ForecasterConfig plainConfig =
        ConfigLoader.load(null, Map.of("warehouse", tmp.resolve("plain").toString()));
    Warehouse heldWarehouse = new Warehouse(TestSpark.session(), heldConfig);
    ModelRegistry held = ModelRegistry.withHeldWrites(TestSpark.session(), heldWarehouse);
    // the reference: the same changes written one by one
    ModelRegistry plain =
        new ModelRegistry(TestSpark.session(), new Warehouse(TestSpark.session(), plainConfig));
    ModelArtifacts a = new ModelArtifacts(TestSpark.session(), heldConfig.resolvedModelsRoot());
    RegistryEntry v1 = candidate(a, 1);
    RegistryEntry v2 = candidate(a, 2);

    for (ModelRegistry r : List.of(held, plain)) {
      r.apply(List.of(v1), Map.of(v1.ref(), "{\"n\":1}"), "train-v1", at(0));
      r.apply(
          Promotions.promote(r.all(), r.resolve(v1.ref()), "gate passed", at(1)),
          Map.of(),
          "bt1",
          at(1));
      r.apply(List.of(v2), Map.of(), "train-v2", at(2));
    }
    assertEquals(plain.all(), held.all());
    assertEquals(3, held.nextVersionNumber(M7));
    assertEquals(Optional.of(v2), held.findByFingerprint(M7, "fingerprint-2"));
    assertEquals(plain.history().size(), held.history().size());
    assertTrue(!heldWarehouse.exists(Tables.MODEL_REGISTRY), "nothing written before the flush");

    held.flush();
    long historyVersion = heldWarehouse.currentVersion(Tables.MODEL_REGISTRY_HISTORY);
    long registryVersion = heldWarehouse.currentVersion(Tables.MODEL_REGISTRY);
    ModelRegistry reread = new ModelRegistry(TestSpark.session(), heldWarehouse);
    assertEquals(plain.all(), reread.all());
    for (int step = 0; step < 3; step++) {
      assertEquals(changesAt(plain.history(), at(step)), changesAt(reread.history(), at(step)));
    }
    held.flush(); // nothing held: no commit
    assertEquals(registryVersion, heldWarehouse.currentVersion(Tables.MODEL_REGISTRY));
    assertEquals(historyVersion, heldWarehouse.currentVersion(Tables.MODEL_REGISTRY_HISTORY));

    // promoting v2 retires v1; with an event, still one commit per table
    for (ModelRegistry r : List.of(held, plain)) {
      r.apply(
          Promotions.promote(r.all(), r.resolve(v2.ref()), "gate passed", at(3)),
          Map.of(),
          "bt2",
          at(3));
      r.recordEvent(r.resolve(v1.ref()), "kept", "bt2", at(4));
    }
    held.flush();
    assertEquals(registryVersion + 1, heldWarehouse.currentVersion(Tables.MODEL_REGISTRY));
    assertEquals(historyVersion + 1, heldWarehouse.currentVersion(Tables.MODEL_REGISTRY_HISTORY));
    assertEquals(plain.all(), reread.all());
    assertEquals(List.of(v2.ref()), promoted(reread.all()));
    for (int step = 3; step < 5; step++) {
      assertEquals(changesAt(plain.history(), at(step)), changesAt(reread.history(), at(step)));
    }
    // a new held registry starts from what was written
    assertEquals(
        plain.all(), ModelRegistry.withHeldWrites(TestSpark.session(), heldWarehouse).all());
  }
}
