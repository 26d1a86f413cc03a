package dev.forecaster.forecast;

import dev.forecaster.registry.RegistryEntry;
import java.time.Instant;
import org.apache.spark.ml.PipelineModel;

/**
 * The model a horizon's forecasts use: a loaded promoted (or previously promoted) version, or none
 * with the reason the naive baseline stands in.
 *
 * @param entry the version loaded, or null
 * @param model its pipeline, or null
 * @param trainedAsOf the instant its training data was known at: it forecasts as-ofs from then on
 * @param note why the naive baseline is used (no model), or what happened on the way to the loaded
 *     model (an earlier failure); null when the promoted model loaded
 */
public record ModelChoice(
    int horizonMinutes,
    RegistryEntry entry,
    PipelineModel model,
    Instant trainedAsOf,
    String note) {

  public static ModelChoice naive(int horizonMinutes, String reason) {
    return new ModelChoice(horizonMinutes, null, null, null, reason);
  }

  public boolean hasModel() {
    return model != null;
  }
}
