package dev.forecaster.schema;

/** Column names of every table and intermediate frame, in one place. */
public final class Columns {
  private Columns() {}

  public static final String SYMBOL = "symbol";
  public static final String OPEN_TIME = "open_time";
  public static final String OPEN_MONTH = "open_month";
  public static final String BAR_SECONDS = "bar_seconds";
  public static final String OPEN = "open";
  public static final String HIGH = "high";
  public static final String LOW = "low";
  public static final String CLOSE = "close";
  public static final String VOLUME = "volume";

  public static final String EVENT_ID = "event_id";
  public static final String TS = "ts";
  public static final String SOURCE = "source";
  public static final String TITLE = "title";
  public static final String SYMBOLS = "symbols";
  public static final String IS_AI = "is_ai";

  public static final String TABLE = "table";
  public static final String SOURCE_FILE = "source_file";
  public static final String LINE_NUMBER = "line_number";
  public static final String RAW = "raw";
  public static final String REASON = "reason";
  public static final String INGESTED_AT = "ingested_at";
  public static final String SIZE_BYTES = "size_bytes";
  public static final String MODIFIED_AT = "modified_at";
  public static final String NIGHT = "night";
  public static final String ROWS_READ = "rows_read";
  public static final String ROWS_ACCEPTED = "rows_accepted";
  public static final String ROWS_DUPLICATE = "rows_duplicate";
  public static final String ROWS_QUARANTINED = "rows_quarantined";
  public static final String FILE_PROBLEM = "file_problem";
  public static final String RUN_ID = "run_id";

  /** Set by the line parsers when a line cannot be turned into typed values. */
  public static final String PARSE_ERROR = "parse_error";

  /** Outcome of a landing row: {@link #ACCEPTED}, {@link #DUPLICATE} or {@link #QUARANTINED}. */
  public static final String STATUS = "status";

  public static final String ACCEPTED = "accepted";
  public static final String DUPLICATE = "duplicate";
  public static final String QUARANTINED = "quarantined";

  // Features (FORECASTING.md section 2)
  public static final String AS_OF = "as_of";

  /** Partition column of the features table: yyyy-MM of as_of. */
  public static final String AS_OF_MONTH = "as_of_month";

  public static final String LOOKBACK_DAYS = "lookback_days";
  public static final String PRICE_N_POINTS = "price_n_points";
  public static final String PRICE_R_1D = "price_r_1d";
  public static final String PRICE_R_3D = "price_r_3d";
  public static final String PRICE_R_7D = "price_r_7d";
  public static final String PRICE_R_14D = "price_r_14d";
  public static final String PRICE_R_30D = "price_r_30d";
  public static final String PRICE_VOL_3D = "price_vol_3d";
  public static final String PRICE_VOL_7D = "price_vol_7d";
  public static final String PRICE_VOL_30D = "price_vol_30d";
  public static final String PRICE_ZSCORE_1D = "price_zscore_1d";
  public static final String PRICE_MAX_DRAWDOWN_30D = "price_max_drawdown_30d";
  public static final String EVENT_COUNT_1D = "event_count_1d";
  public static final String EVENT_COUNT_3D = "event_count_3d";
  public static final String EVENT_COUNT_7D = "event_count_7d";
  public static final String EVENT_DISTINCT_SOURCES_7D = "event_distinct_sources_7d";
  public static final String EVENT_AI_SHARE_7D = "event_ai_share_7d";
  public static final String EVENT_HOURS_SINCE_LAST_EVENT = "event_hours_since_last_event";

  /** The 17 features in contract order. */
  public static final java.util.List<String> FEATURES =
      java.util.List.of(
          PRICE_N_POINTS,
          PRICE_R_1D,
          PRICE_R_3D,
          PRICE_R_7D,
          PRICE_R_14D,
          PRICE_R_30D,
          PRICE_VOL_3D,
          PRICE_VOL_7D,
          PRICE_VOL_30D,
          PRICE_ZSCORE_1D,
          PRICE_MAX_DRAWDOWN_30D,
          EVENT_COUNT_1D,
          EVENT_COUNT_3D,
          EVENT_COUNT_7D,
          EVENT_DISTINCT_SOURCES_7D,
          EVENT_AI_SHARE_7D,
          EVENT_HOURS_SINCE_LAST_EVENT);

  // Labels (FORECASTING.md section 3)
  public static final String HORIZON_MINUTES = "horizon_minutes";
  public static final String FUTURE_RETURN = "future_return";
  public static final String DIRECTION = "direction";
  public static final String MATURED = "matured";

  // Forecasts (INTERFACES.md forecasts table; FORECASTING.md sections 4-6)
  public static final String EXPECTED_RETURN = "expected_return";
  public static final String CONFIDENCE = "confidence";
  public static final String P_UP = "p_up";
  public static final String N_POINTS = "n_points";
  public static final String MODEL_TYPE = "model_type";
  public static final String MODEL_NAME = "model_name";
  public static final String MODEL_VERSION = "model_version";
  public static final String REGIME = "regime";
  public static final String REGIME_SCORE = "regime_score";
  public static final String FEATURES_MAP = "features";
  public static final String FALLBACK_REASON = "fallback_reason";
  public static final String CREATED_AT = "created_at";

  /** model_type of a forecast made by a promoted MLlib model. */
  public static final String MODEL_TYPE_ML = "ml";

  /** model_type of a naive-baseline forecast. */
  public static final String MODEL_TYPE_NAIVE = "naive";

  /** model_name of the naive baseline (FORECASTING.md section 4). */
  public static final String NAIVE_MODEL_NAME = "naive_baseline";

  public static final String UP = "up";
  public static final String DOWN = "down";

  // Monitoring (forecast_outcomes, monitoring_metrics, alerts)
  /** as_of + horizon: when the forecast's label can mature. */
  public static final String MATURED_AT = "matured_at";

  /**
   * The forecast's probability of up: p_up for ML rows; for naive rows the confidence of an up
   * forecast or 1 - confidence of a down one (the share of historical returns that were up).
   */
  public static final String PROB_UP = "prob_up";

  public static final String REALISED_RETURN = "realised_return";
  public static final String REALISED_DIRECTION = "realised_direction";
  public static final String UNSCORABLE_REASON = "unscorable_reason";
  public static final String CORRECT = "correct";
  public static final String FORECAST_RUN_ID = "forecast_run_id";
  public static final String METRIC = "metric";
  public static final String DIMENSION = "dimension";
  public static final String VALUE = "value";
  public static final String N = "n";
  public static final String REFERENCE = "reference";
  public static final String ALERT = "alert";
  public static final String THRESHOLD = "threshold";
  public static final String MESSAGE = "message";
}
