package dev.forecaster.ingest;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/** The duplicate rule shared by every landing table. */
final class Duplicates {
  private static final String VARIANTS = "_variants";
  private static final String RANK = "_rank";

  private Duplicates() {}

  /**
   * Adds {@code status} (and rewrites {@code reason}) given a {@code reason} column that is null
   * for valid rows. Valid rows sharing a key collapse to the first (by file and line) when their
   * values agree, and are all quarantined when they do not.
   *
   * @param keys the table key
   * @param values the values that must agree for two rows with one key to be the same row
   */
  static Dataset<Row> classify(Dataset<Row> rows, String[] keys, Column values, String keyName) {
    Column valid = col(REASON).isNull();
    // Keys seen more than once are few; only their rows need the (costly) window below.
    Dataset<Row> repeatedKeys =
        broadcast(
            rows.filter(valid)
                .groupBy(cols(keys))
                .count()
                .filter(col("count").gt(1))
                .select(cols(keys)));
    Dataset<Row> single =
        rows.join(repeatedKeys, keysEqual(rows, repeatedKeys, keys), "left_anti")
            .withColumn(STATUS, when(valid, lit(ACCEPTED)).otherwise(lit(QUARANTINED)));
    WindowSpec byKey = Window.partitionBy(cols(keys));
    Dataset<Row> repeated =
        rows.join(repeatedKeys, keysEqual(rows, repeatedKeys, keys), "left_semi")
            .withColumn(VARIANTS, when(valid, size(collect_set(when(valid, values)).over(byKey))))
            .withColumn(
                RANK,
                row_number()
                    .over(
                        byKey.orderBy(
                            valid.desc(), col(SOURCE_FILE).asc(), col(LINE_NUMBER).asc())))
            .withColumn(
                STATUS,
                when(not(valid), lit(QUARANTINED))
                    .when(col(VARIANTS).gt(1), lit(QUARANTINED))
                    .when(col(RANK).gt(1), lit(DUPLICATE))
                    .otherwise(lit(ACCEPTED)))
            .withColumn(
                REASON,
                when(not(valid), col(REASON))
                    .when(
                        col(VARIANTS).gt(1),
                        concat(
                            lit("conflicting duplicate: "),
                            col(VARIANTS).cast("string"),
                            lit(" different rows for the same " + keyName))))
            .drop(VARIANTS, RANK);
    return single.unionByName(repeated);
  }

  private static Column[] cols(String[] names) {
    return Arrays.stream(names).map(n -> col(n)).toArray(Column[]::new);
  }

  private static Column keysEqual(Dataset<Row> left, Dataset<Row> right, String[] keys) {
    Column on = lit(true);
    for (String k : keys) {
      on = on.and(left.col(k).equalTo(right.col(k)));
    }
    return on;
  }

  /** Quarantined rows in the shape of the {@code quarantine} table. */
  static Dataset<Row> toQuarantine(
      Dataset<Row> classified, String table, java.sql.Timestamp ingestedAt, String runId) {
    return classified
        .filter(col(STATUS).equalTo(QUARANTINED))
        .select(
            lit(table).as(TABLE),
            col(SOURCE_FILE),
            col(LINE_NUMBER),
            col(RAW),
            col(REASON),
            lit(ingestedAt).as(INGESTED_AT),
            lit(runId).as(RUN_ID));
  }
}
