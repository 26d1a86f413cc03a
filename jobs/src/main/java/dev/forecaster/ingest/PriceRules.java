package dev.forecaster.ingest;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The row rules of price ingestion, as pure transforms of parsed landing rows: why a row is
 * rejected, the bar length of each (symbol, file), and which rows are duplicates.
 */
public final class PriceRules {
  /** Set while resolving bars when a (symbol, file) has no usable bar length. */
  public static final String BAR_PROBLEM = "bar_problem";

  private static final String GAP = "gap";
  private static final String COUNT = "count";

  private PriceRules() {}

  /**
   * Adds {@code reason}: null for a row that passes every row rule, else the first rule it breaks.
   *
   * @param tolerance relative slack on low <= open, close <= high (rounding in exports)
   */
  public static Dataset<Row> withRowReason(
      Dataset<Row> parsed, Instant ingestedAt, double tolerance) {
    Column now = lit(Timestamp.from(ingestedAt));
    Column reason =
        when(col(PARSE_ERROR).isNotNull(), col(PARSE_ERROR))
            .when(notPositive(OPEN), lit("non-positive or NaN open"))
            .when(notPositive(HIGH), lit("non-positive or NaN high"))
            .when(notPositive(LOW), lit("non-positive or NaN low"))
            .when(notPositive(CLOSE), lit("non-positive or NaN close"))
            .when(col(HIGH).lt(col(LOW)), lit("high below low"))
            .when(outsideRange(OPEN, tolerance), lit("open outside [low, high]"))
            .when(outsideRange(CLOSE, tolerance), lit("close outside [low, high]"))
            .when(
                col(VOLUME)
                    .lt(0)
                    .or(isnan(col(VOLUME)))
                    .or(col(VOLUME).equalTo(Double.POSITIVE_INFINITY)),
                lit("negative or NaN volume"))
            .when(col(OPEN_TIME).gt(now), lit("timestamp in the future"));
    return parsed.withColumn(REASON, reason);
  }

  /**
   * The bar length of each (symbol, source_file) among rows that passed the row rules: the most
   * common gap between consecutive distinct open times (the smaller on a tie); null when the file
   * has a single candle of that symbol.
   *
   * <p>Gaps are counted inside each partition (a landing file is read as one partition unless it is
   * larger than a filesystem block), then the counts are summed: a file split across partitions
   * loses one gap per split, which cannot move the most common gap of a real series.
   */
  public static Dataset<Row> inferBars(Dataset<Row> checked) {
    StructType gapSchema =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(SOURCE_FILE, DataTypes.StringType)
            .add(GAP, DataTypes.LongType)
            .add(COUNT, DataTypes.LongType);
    Dataset<Row> gaps =
        checked
            .filter(col(REASON).isNull())
            .select(col(SYMBOL), col(SOURCE_FILE), unix_seconds(col(OPEN_TIME)).as(OPEN_TIME))
            .mapPartitions(
                (MapPartitionsFunction<Row, Row>) PriceRules::gapCounts, Encoders.row(gapSchema));
    Dataset<Row> totals = gaps.groupBy(SYMBOL, SOURCE_FILE, GAP).agg(sum(COUNT).as(COUNT));
    WindowSpec mostCommon =
        Window.partitionBy(SYMBOL, SOURCE_FILE)
            .orderBy(col(GAP).isNull().asc(), col(COUNT).desc(), col(GAP).asc());
    return totals
        .withColumn("rank", row_number().over(mostCommon))
        .filter(col("rank").equalTo(1))
        .select(col(SYMBOL), col(SOURCE_FILE), col(GAP).as(BAR_SECONDS));
  }

  /** Per (symbol, file) of one partition: how often each gap occurs; (null, 0) for one candle. */
  private static Iterator<Row> gapCounts(Iterator<Row> rows) {
    Map<List<String>, List<Long>> times = new HashMap<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      times
          .computeIfAbsent(List.of(r.getString(0), r.getString(1)), k -> new ArrayList<>())
          .add(r.getLong(2));
    }
    List<Row> out = new ArrayList<>();
    times.forEach(
        (key, list) -> {
          long[] t = list.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
          Map<Long, Long> histogram = new HashMap<>();
          for (int i = 1; i < t.length; i++) {
            histogram.merge(t[i] - t[i - 1], 1L, Long::sum);
          }
          if (histogram.isEmpty()) {
            out.add(RowFactory.create(key.get(0), key.get(1), null, 0L));
          }
          histogram.forEach((gap, n) -> out.add(RowFactory.create(key.get(0), key.get(1), gap, n)));
        });
    return out.iterator();
  }

  /**
   * Attaches the resolved bar of each (symbol, source_file) and rejects rows without one, or whose
   * candle had not closed when it was ingested (a still-open candle's values are not final).
   *
   * @param bars (symbol, source_file, bar_seconds, bar_problem) as resolved by the job
   */
  public static Dataset<Row> withBars(Dataset<Row> checked, Dataset<Row> bars, Instant ingestedAt) {
    Column closeTime = col(OPEN_TIME).plus(expr("make_dt_interval(0, 0, 0, " + BAR_SECONDS + ")"));
    Dataset<Row> joined = checked.join(bars, new String[] {SYMBOL, SOURCE_FILE}, "left");
    Column reason =
        when(col(REASON).isNotNull(), col(REASON))
            .when(col(BAR_SECONDS).isNull(), coalesce(col(BAR_PROBLEM), lit("no bar length")))
            .when(
                closeTime.gt(lit(Timestamp.from(ingestedAt))),
                lit("candle not closed at ingestion time"));
    return joined.withColumn(REASON, reason).drop(BAR_PROBLEM);
  }

  /**
   * Adds {@code status}: rejected rows are quarantined; among valid rows with the same (symbol,
   * open_time), identical ones collapse to the first (by file and line) and the rest are counted as
   * duplicates, while differing ones are all quarantined as a conflicting duplicate.
   */
  public static Dataset<Row> classify(Dataset<Row> withBars) {
    return Duplicates.classify(
        withBars,
        new String[] {SYMBOL, OPEN_TIME},
        struct(col(OPEN), col(HIGH), col(LOW), col(CLOSE), col(VOLUME), col(BAR_SECONDS)),
        "(symbol, open_time)");
  }

  /** Accepted rows in the shape of the {@code prices} table. */
  public static Dataset<Row> toPrices(Dataset<Row> classified, Instant ingestedAt) {
    return classified
        .filter(col(STATUS).equalTo(ACCEPTED))
        .select(
            col(SYMBOL),
            col(OPEN_TIME),
            col(BAR_SECONDS),
            col(OPEN),
            col(HIGH),
            col(LOW),
            col(CLOSE),
            col(VOLUME),
            col(SOURCE_FILE),
            col(LINE_NUMBER),
            lit(Timestamp.from(ingestedAt)).as(INGESTED_AT),
            date_format(col(OPEN_TIME), "yyyy-MM").as(OPEN_MONTH));
  }

  private static Column notPositive(String c) {
    return isnan(col(c)).or(col(c).leq(0)).or(col(c).equalTo(Double.POSITIVE_INFINITY));
  }

  private static Column outsideRange(String c, double tolerance) {
    return col(c)
        .lt(col(LOW).multiply(1 - tolerance))
        .or(col(c).gt(col(HIGH).multiply(1 + tolerance)));
  }
}
