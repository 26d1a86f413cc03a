package dev.forecaster.schema;

import static dev.forecaster.schema.Columns.*;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of the tables (INTERFACES.md) and of parsed landing rows. */
public final class Schemas {
  private Schemas() {}

  /** A landing price line after parsing; typed fields are null where the line had none. */
  public static final StructType PARSED_PRICES =
      new StructType()
          .add(SOURCE_FILE, DataTypes.StringType, false)
          .add(LINE_NUMBER, DataTypes.LongType, false)
          .add(RAW, DataTypes.StringType, false)
          .add(SYMBOL, DataTypes.StringType)
          .add(OPEN_TIME, DataTypes.TimestampType)
          .add(OPEN, DataTypes.DoubleType)
          .add(HIGH, DataTypes.DoubleType)
          .add(LOW, DataTypes.DoubleType)
          .add(CLOSE, DataTypes.DoubleType)
          .add(VOLUME, DataTypes.DoubleType)
          .add(PARSE_ERROR, DataTypes.StringType);

  /** A landing event line after parsing. */
  public static final StructType PARSED_EVENTS =
      new StructType()
          .add(SOURCE_FILE, DataTypes.StringType, false)
          .add(LINE_NUMBER, DataTypes.LongType, false)
          .add(RAW, DataTypes.StringType, false)
          .add(EVENT_ID, DataTypes.StringType)
          .add(TS, DataTypes.TimestampType)
          .add(SOURCE, DataTypes.StringType)
          .add(TITLE, DataTypes.StringType)
          .add(SYMBOLS, DataTypes.createArrayType(DataTypes.StringType))
          .add(IS_AI, DataTypes.BooleanType)
          .add(PARSE_ERROR, DataTypes.StringType);

  /** {@code prices}: one candle per (symbol, open_time), partitioned by open_month. */
  public static final StructType PRICES =
      new StructType()
          .add(SYMBOL, DataTypes.StringType, false)
          .add(OPEN_TIME, DataTypes.TimestampType, false)
          .add(BAR_SECONDS, DataTypes.LongType, false)
          .add(OPEN, DataTypes.DoubleType, false)
          .add(HIGH, DataTypes.DoubleType, false)
          .add(LOW, DataTypes.DoubleType, false)
          .add(CLOSE, DataTypes.DoubleType, false)
          .add(VOLUME, DataTypes.DoubleType)
          .add(SOURCE_FILE, DataTypes.StringType, false)
          .add(LINE_NUMBER, DataTypes.LongType, false)
          .add(INGESTED_AT, DataTypes.TimestampType, false)
          .add(OPEN_MONTH, DataTypes.StringType, false);

  /** {@code events}: one news event per event_id. */
  public static final StructType EVENTS =
      new StructType()
          .add(EVENT_ID, DataTypes.StringType, false)
          .add(TS, DataTypes.TimestampType, false)
          .add(SOURCE, DataTypes.StringType, false)
          .add(TITLE, DataTypes.StringType, false)
          .add(SYMBOLS, DataTypes.createArrayType(DataTypes.StringType), false)
          .add(IS_AI, DataTypes.BooleanType, false)
          .add(SOURCE_FILE, DataTypes.StringType, false)
          .add(LINE_NUMBER, DataTypes.LongType, false)
          .add(INGESTED_AT, DataTypes.TimestampType, false);

  /** {@code quarantine}: every rejected landing line, with why. */
  public static final StructType QUARANTINE =
      new StructType()
          .add(TABLE, DataTypes.StringType, false)
          .add(SOURCE_FILE, DataTypes.StringType, false)
          .add(LINE_NUMBER, DataTypes.LongType, false)
          .add(RAW, DataTypes.StringType, false)
          .add(REASON, DataTypes.StringType, false)
          .add(INGESTED_AT, DataTypes.TimestampType, false)
          .add(RUN_ID, DataTypes.StringType, false);

  /**
   * {@code ingested_files}: the ingest ledger, one row per landing file the first time it was
   * ingested, keyed by (table, source_file, size_bytes, modified_at), so the nightly ingests only
   * files it has not seen (a re-delivered file has a new size or time). night is the as-of of the
   * nightly run that ingested it (null for a plain {@code ingest}); the row counts reconcile: read
   * = accepted + duplicate + quarantined. file_problem is set for a file that could not be read as
   * a whole (it is in quarantine with line_number 0 and the same reason).
   */
  public static final StructType INGESTED_FILES =
      new StructType()
          .add(TABLE, DataTypes.StringType, false)
          .add(SOURCE_FILE, DataTypes.StringType, false)
          .add(SIZE_BYTES, DataTypes.LongType, false)
          .add(MODIFIED_AT, DataTypes.TimestampType, false)
          .add(NIGHT, DataTypes.TimestampType)
          .add(ROWS_READ, DataTypes.LongType, false)
          .add(ROWS_ACCEPTED, DataTypes.LongType, false)
          .add(ROWS_DUPLICATE, DataTypes.LongType, false)
          .add(ROWS_QUARANTINED, DataTypes.LongType, false)
          .add(FILE_PROBLEM, DataTypes.StringType)
          .add(RUN_ID, DataTypes.StringType, false)
          .add(INGESTED_AT, DataTypes.TimestampType, false);

  /**
   * {@code forecasts}: one precomputed forecast per (as_of, symbol, horizon_minutes,
   * lookback_days), partitioned by as_of_month (yyyy-MM of as_of). direction, confidence and
   * expected_return are null only when neither the model nor the naive baseline could forecast;
   * fallback_reason then says why. model_version and p_up are null for naive rows.
   */
  public static final StructType FORECASTS =
      new StructType()
          .add(AS_OF, DataTypes.TimestampType, false)
          .add(SYMBOL, DataTypes.StringType, false)
          .add(HORIZON_MINUTES, DataTypes.IntegerType, false)
          .add(LOOKBACK_DAYS, DataTypes.IntegerType, false)
          .add(EXPECTED_RETURN, DataTypes.DoubleType)
          .add(DIRECTION, DataTypes.StringType)
          .add(CONFIDENCE, DataTypes.DoubleType)
          .add(P_UP, DataTypes.DoubleType)
          .add(N_POINTS, DataTypes.LongType)
          .add(MODEL_TYPE, DataTypes.StringType, false)
          .add(MODEL_NAME, DataTypes.StringType, false)
          .add(MODEL_VERSION, DataTypes.StringType)
          .add(REGIME, DataTypes.StringType)
          .add(REGIME_SCORE, DataTypes.DoubleType)
          .add(
              FEATURES_MAP,
              DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true))
          .add(FALLBACK_REASON, DataTypes.StringType)
          .add(RUN_ID, DataTypes.StringType, false)
          .add(CREATED_AT, DataTypes.TimestampType, false)
          .add(AS_OF_MONTH, DataTypes.StringType, false);

  /**
   * {@code forecast_outcomes}: one matured forecast per (as_of, symbol, horizon_minutes,
   * lookback_days) with the realised label (FORECASTING.md section 3). correct is null when the
   * forecast had no direction or the outcome cannot be scored; then unscorable_reason says why (see
   * {@code monitor.Outcomes}) and the realised columns are null.
   */
  public static final StructType FORECAST_OUTCOMES =
      new StructType()
          .add(AS_OF, DataTypes.TimestampType, false)
          .add(SYMBOL, DataTypes.StringType, false)
          .add(HORIZON_MINUTES, DataTypes.IntegerType, false)
          .add(LOOKBACK_DAYS, DataTypes.IntegerType, false)
          .add(MATURED_AT, DataTypes.TimestampType, false)
          .add(MODEL_TYPE, DataTypes.StringType, false)
          .add(MODEL_NAME, DataTypes.StringType, false)
          .add(MODEL_VERSION, DataTypes.StringType)
          .add(DIRECTION, DataTypes.StringType)
          .add(CONFIDENCE, DataTypes.DoubleType)
          .add(P_UP, DataTypes.DoubleType)
          .add(PROB_UP, DataTypes.DoubleType)
          .add(FALLBACK_REASON, DataTypes.StringType)
          .add(REALISED_RETURN, DataTypes.DoubleType)
          .add(REALISED_DIRECTION, DataTypes.StringType)
          .add(CORRECT, DataTypes.BooleanType)
          .add(UNSCORABLE_REASON, DataTypes.StringType)
          .add(FORECAST_RUN_ID, DataTypes.StringType, false)
          .add(RUN_ID, DataTypes.StringType, false)
          .add(CREATED_AT, DataTypes.TimestampType, false);

  /**
   * {@code monitoring_metrics}: one value per (as_of of the monitor run, horizon, model, symbol,
   * metric, dimension). Null horizon, model or symbol means "all"; dimension is the feature of a
   * drift row, the bin of a calibration row, the reason of a fallback-reason row.
   */
  public static final StructType MONITORING_METRICS =
      new StructType()
          .add(AS_OF, DataTypes.TimestampType, false)
          .add(HORIZON_MINUTES, DataTypes.IntegerType)
          .add(MODEL_TYPE, DataTypes.StringType)
          .add(MODEL_NAME, DataTypes.StringType)
          .add(MODEL_VERSION, DataTypes.StringType)
          .add(SYMBOL, DataTypes.StringType)
          .add(METRIC, DataTypes.StringType, false)
          .add(DIMENSION, DataTypes.StringType)
          .add(VALUE, DataTypes.DoubleType)
          .add(N, DataTypes.LongType)
          .add(REFERENCE, DataTypes.DoubleType)
          .add(RUN_ID, DataTypes.StringType, false)
          .add(CREATED_AT, DataTypes.TimestampType, false);

  /** {@code alerts}: the threshold breaches found by the monitor run of an as_of. */
  public static final StructType ALERTS =
      new StructType()
          .add(AS_OF, DataTypes.TimestampType, false)
          .add(ALERT, DataTypes.StringType, false)
          .add(HORIZON_MINUTES, DataTypes.IntegerType)
          .add(MODEL_NAME, DataTypes.StringType)
          .add(MODEL_VERSION, DataTypes.StringType)
          .add(SYMBOL, DataTypes.StringType)
          .add(DIMENSION, DataTypes.StringType)
          .add(VALUE, DataTypes.DoubleType)
          .add(THRESHOLD, DataTypes.DoubleType, false)
          .add(MESSAGE, DataTypes.StringType, false)
          .add(RUN_ID, DataTypes.StringType, false)
          .add(CREATED_AT, DataTypes.TimestampType, false);
}
