package dev.forecaster.io;

/** Names of the Delta tables under the warehouse ({@code <warehouse>/<name>}). */
public final class Tables {
  private Tables() {}

  public static final String PRICES = "prices";
  public static final String EVENTS = "events";
  public static final String QUARANTINE = "quarantine";
  public static final String INGESTED_FILES = "ingested_files";
  public static final String FEATURES = "features";
  public static final String MODEL_REGISTRY = "model_registry";
  public static final String MODEL_REGISTRY_HISTORY = "model_registry_history";
  public static final String BACKTEST_PREDICTIONS = "backtest_predictions";
  public static final String BACKTEST_SUMMARY = "backtest_summary";
  public static final String FORECASTS = "forecasts";
  public static final String FORECAST_OUTCOMES = "forecast_outcomes";
  public static final String MONITORING_METRICS = "monitoring_metrics";
  public static final String ALERTS = "alerts";
  public static final String WALKFORWARD_RUNS = "walkforward_runs";
  public static final String WALKFORWARD_PREDICTIONS = "walkforward_predictions";
  public static final String WALKFORWARD_SUMMARY = "walkforward_summary";

  /** Where a walk-forward run keeps its own registry, models and backtests. */
  public static String walkForwardRun(String runId) {
    return "walkforward/" + runId;
  }
}
