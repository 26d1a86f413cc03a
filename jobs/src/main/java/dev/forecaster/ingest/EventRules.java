package dev.forecaster.ingest;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The row rules of event ingestion, as pure transforms of parsed landing rows. */
public final class EventRules {
  private EventRules() {}

  /** Adds {@code reason}: the parse error, a timestamp after ingestion, or null. */
  public static Dataset<Row> withRowReason(Dataset<Row> parsed, Instant ingestedAt) {
    return parsed.withColumn(
        REASON,
        when(col(PARSE_ERROR).isNotNull(), col(PARSE_ERROR))
            .when(col(TS).gt(lit(Timestamp.from(ingestedAt))), lit("timestamp in the future")));
  }

  /** Adds {@code status} with the duplicate rule on event_id (see {@link PriceRules#classify}). */
  public static Dataset<Row> classify(Dataset<Row> checked) {
    return Duplicates.classify(
        checked,
        new String[] {EVENT_ID},
        struct(col(TS), col(SOURCE), col(TITLE), col(SYMBOLS), col(IS_AI)),
        "event_id");
  }

  /** Accepted rows in the shape of the {@code events} table. */
  public static Dataset<Row> toEvents(Dataset<Row> classified, Instant ingestedAt) {
    return classified
        .filter(col(STATUS).equalTo(ACCEPTED))
        .select(
            col(EVENT_ID),
            col(TS),
            col(SOURCE),
            col(TITLE),
            col(SYMBOLS),
            col(IS_AI),
            col(SOURCE_FILE),
            col(LINE_NUMBER),
            lit(Timestamp.from(ingestedAt)).as(INGESTED_AT));
  }
}
