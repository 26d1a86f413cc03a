package dev.forecaster.forecast;

import dev.forecaster.model.Horizons;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.Promotions;
import dev.forecaster.registry.RegistryEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the model of a horizon for scoring: the promoted version; if its artifact fails to load,
 * the version promoted before it (each failure recorded in the registry history); if none loads,
 * the naive baseline with the reason.
 */
public final class ModelLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

  private final ModelRegistry registry;
  private final ModelArtifacts artifacts;
  private final String runId;

  public ModelLoader(ModelRegistry registry, ModelArtifacts artifacts, String runId) {
    this.registry = registry;
    this.artifacts = artifacts;
    this.runId = runId;
  }

  public ModelChoice choose(int horizonMinutes) {
    List<RegistryEntry> all = registry.all();
    Optional<RegistryEntry> promoted =
        all.stream()
            .filter(
                e ->
                    e.horizonMinutes() == horizonMinutes
                        && RegistryEntry.PROMOTED.equals(e.status()))
            .findFirst();
    if (promoted.isEmpty()) {
      return ModelChoice.naive(
          horizonMinutes, "no promoted model for " + Horizons.label(horizonMinutes));
    }
    List<RegistryEntry> candidates = new ArrayList<>();
    candidates.add(promoted.get());
    Promotions.previouslyPromoted(all, registry.history(), horizonMinutes).stream()
        .filter(e -> !e.ref().equals(promoted.get().ref()))
        .forEach(candidates::add);
    List<String> failures = new ArrayList<>();
    for (RegistryEntry candidate : candidates) {
      try {
        PipelineModel model = artifacts.loadPipeline(candidate.artifactUri());
        Instant trainedAsOf =
            Instant.parse(artifacts.readMetadata(candidate.metadataUri()).get("as_of").asText());
        String note =
            failures.isEmpty() ? null : String.join("; ", failures) + "; using " + candidate.ref();
        return new ModelChoice(horizonMinutes, candidate, model, trainedAsOf, note);
      } catch (Exception e) {
        // Not only RuntimeException: MLlib's Scala readers throw undeclared checked exceptions
        // (InvalidInputException for a missing directory, JsonParseException for a corrupt one).
        String failure = "model " + candidate.ref() + " failed to load: " + firstLine(e);
        LOG.warn(failure);
        failures.add(failure);
        registry.recordEvent(
            candidate, "artifact failed to load: " + firstLine(e), runId, Instant.now());
      }
    }
    return ModelChoice.naive(
        horizonMinutes, String.join("; ", failures) + "; no earlier promoted version loads");
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
