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
    Map<String, String> spark,
    boolean plattCalibration,
    Monitor monitor,
    Maintain maintain) {

  /** Ingestion settings. */
  /**
   * Ingest settings.
   *
   * @param barSeconds the landing feed's declared bar for the nightly, or 0 to infer it per file
   */
  public record Ingest(
      double priceTolerance, String landingPrices, String landingEvents, long barSeconds) {}

  /**
   * MLlib RandomForestClassifier parameters, and the number of partitions its training samples are
   * coalesced to (each partition ships a histogram of every node it grows, so few is fast).
   */
  public record RandomForest(
      int numTrees,
      int maxDepth,
      int minInstancesPerNode,
      int maxBins,
      long seed,
      int partitions) {}

  /** Per-symbol chronological split. */
  public record Split(double trainRatio, boolean purge) {}

  /**
   * Validation gate thresholds (FORECASTING.md section 8) and how criterion 2 reads a symbol's
   * accuracy.
   */
  public record Gate(
      double minImprovementPp,
      double minSymbolAccuracy,
      double minBeatShare,
      SymbolRule symbolRule) {
    /** The seed system's gate: every symbol's accuracy itself must reach the threshold. */
    public Gate(double minImprovementPp, double minSymbolAccuracy, double minBeatShare) {
      this(minImprovementPp, minSymbolAccuracy, minBeatShare, SymbolRule.SEED);
    }
  }

  /**
   * Criterion 2 of the gate: {@code SEED} fails a symbol whose accuracy is below the threshold;
   * {@code WILSON} only one whose Wilson 95% interval lies wholly below it (with many symbols of
   * ~60 pairs, the seed rule fails a model that is better everywhere by chance alone).
   */
  public enum SymbolRule {
    SEED,
    WILSON
  }

  /** Regime thresholds (FORECASTING.md section 6). */
  public record Regime(double upThreshold, double downThreshold) {}

  /** Monitoring of live forecasts: windows and alert thresholds ({@code forecaster.monitor}). */
  public record Monitor(
      int windowForecasts,
      Duration usageWindow,
      Duration driftWindow,
      int confidenceBins,
      Duration unscorableRecheck,
      Alerts alerts) {}

  /** Thresholds of the monitor's alerts. */
  public record Alerts(
      double minAccuracy,
      List<Integer> accuracyHorizons,
      int minForecasts,
      double maxMlFailureRate,
      double maxFallbackRate,
      double maxDriftPsi,
      Duration maxDataAge,
      Duration maxFeedSilence,
      double maxQuarantineShare) {}

  /**
   * Table upkeep ({@code forecaster.maintain}).
   *
   * @param vacuumRetention VACUUM keeps every data file a table version of this long ago still uses
   */
  public record Maintain(Duration vacuumRetention) {}

  /**
   * The same settings on another warehouse, with the model registry under it: what a walk-forward
   * run writes its own registry, models and backtests to, away from the production ones.
   */
  public ForecasterConfig withWarehouse(String otherWarehouse) {
    return new ForecasterConfig(
        otherWarehouse,
        "",
        symbols,
        horizonsMinutes,
        lookbacksDays,
        ingest,
        maxStaleness,
        randomForest,
        split,
        backtestDays,
        gate,
        regime,
        spark,
        plattCalibration,
        monitor,
        maintain);
  }

  /** Root of a named Delta table under the warehouse. */
  public String tablePath(String table) {
    return warehouse.endsWith("/") ? warehouse + table : warehouse + "/" + table;
  }

  /**
   * The model registry root: configured (or {@code ./models} when the warehouse is the default one,
   * see {@code reference.conf}), else {@code <warehouse>/models}.
   */
  public String resolvedModelsRoot() {
    return modelsRoot.isEmpty() ? tablePath("models") : modelsRoot;
  }
}
