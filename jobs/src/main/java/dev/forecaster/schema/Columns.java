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
  public static final String RUN_ID = "run_id";

  /** Set by the line parsers when a line cannot be turned into typed values. */
  public static final String PARSE_ERROR = "parse_error";

  /** Outcome of a landing row: {@link #ACCEPTED}, {@link #DUPLICATE} or {@link #QUARANTINED}. */
  public static final String STATUS = "status";

  public static final String ACCEPTED = "accepted";
  public static final String DUPLICATE = "duplicate";
  public static final String QUARANTINED = "quarantined";
}
