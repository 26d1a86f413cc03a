package dev.forecaster.walkforward;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Which model each interval [r_k, r_k+1) of a walk-forward uses (FORECASTING.md section 10): the
 * candidate is the model trained at r_k; the served model is the one promoted at the latest r_j <=
 * r_k whose gate passed (a promotion stands until a later one replaces it), or none (naive).
 */
public final class Schedule {
  public static final String RETRAIN_DATE = "retrain_date";
  public static final String UNTIL = "until";
  public static final String CANDIDATE_VERSION = "candidate_version";
  public static final String CANDIDATE_LAST_TRAIN = "candidate_last_train_as_of";
  public static final String SERVED_VERSION = "served_version";
  public static final String SERVED_LAST_TRAIN = "served_last_train_as_of";

  private Schedule() {}

  /**
   * One retrain's outcome.
   *
   * @param version the version trained at r_k (null when training failed: no candidate)
   * @param lastTrainAsOf the latest as-of among the version's training samples
   * @param gatePassed whether its gate passed (the model was promoted at r_k)
   */
  public record Retrain(Instant date, String version, Instant lastTrainAsOf, boolean gatePassed) {}

  /** One interval [from, until) and the models it uses. */
  public record Interval(
      Instant from,
      Instant until,
      String candidateVersion,
      Instant candidateLastTrain,
      String servedVersion,
      Instant servedLastTrain) {}

  /**
   * @param retrains in date order
   * @param end the instant after the last interval (the day after the span's end)
   */
  public static List<Interval> intervals(List<Retrain> retrains, Instant end) {
    List<Interval> out = new ArrayList<>();
    Retrain served = null;
    Retrain candidate = null;
    for (int k = 0; k < retrains.size(); k++) {
      Retrain r = retrains.get(k);
      if (r.version() != null) {
        candidate = r;
      }
      if (r.version() != null && r.gatePassed()) {
        served = r;
      }
      Instant until = k + 1 < retrains.size() ? retrains.get(k + 1).date() : end;
      out.add(
          new Interval(
              r.date(),
              until,
              candidate == null ? null : candidate.version(),
              candidate == null ? null : candidate.lastTrainAsOf(),
              served == null ? null : served.version(),
              served == null ? null : served.lastTrainAsOf()));
    }
    return out;
  }

  static final StructType SCHEMA =
      new StructType()
          .add(RETRAIN_DATE, DataTypes.TimestampType, false)
          .add(UNTIL, DataTypes.TimestampType, false)
          .add(CANDIDATE_VERSION, DataTypes.StringType)
          .add(CANDIDATE_LAST_TRAIN, DataTypes.TimestampType)
          .add(SERVED_VERSION, DataTypes.StringType)
          .add(SERVED_LAST_TRAIN, DataTypes.TimestampType);

  public static Dataset<Row> frame(SparkSession spark, List<Interval> intervals) {
    List<Row> rows = new ArrayList<>();
    for (Interval i : intervals) {
      rows.add(
          RowFactory.create(
              Timestamp.from(i.from()),
              Timestamp.from(i.until()),
              i.candidateVersion(),
              ts(i.candidateLastTrain()),
              i.servedVersion(),
              ts(i.servedLastTrain())));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
