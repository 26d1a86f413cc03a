package dev.forecaster.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every setting the pipeline reads, parsed once from HOCON and validated by {@link ConfigLoader}.
 * Keys and meanings are documented in {@code conf/reference.conf}.
 */
public record ForecasterConfig(
    String warehouse,
    String modelsRoot,
    List<String> symbols,
    List<Integer> horizonsMinutes,
    List<Integer> lookbacksDays,
    Ingest ingest,
    Duration maxStaleness,
    RandomForest randomForest,
    Split split,
    int backtestDays,
    Gate gate,
    Regime regime,
    Map<String, String> spark) {

  /** Ingestion settings. */
  public record Ingest(double priceTolerance, String landingPrices, String landingEvents) {}

  /** MLlib RandomForestClassifier parameters. */
  public record RandomForest(
      int numTrees, int maxDepth, int minInstancesPerNode, int maxBins, long seed) {}

  /** Per-symbol chronological split. */
  public record Split(double trainRatio, boolean purge) {}

  /** Validation gate thresholds (FORECASTING.md section 8). */
  public record Gate(double minImprovementPp, double minSymbolAccuracy, double minBeatShare) {}

  /** Regime thresholds (FORECASTING.md section 6). */
  public record Regime(double upThreshold, double downThreshold) {}

  /** Root of a named Delta table under the warehouse. */
  public String tablePath(String table) {
    return warehouse.endsWith("/") ? warehouse + table : warehouse + "/" + table;
  }

  /** The model registry root: configured, or {@code <warehouse>/models}. */
  public String resolvedModelsRoot() {
    return modelsRoot.isEmpty() ? tablePath("models") : modelsRoot;
  }
}
