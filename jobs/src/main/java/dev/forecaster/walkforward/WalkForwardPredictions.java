package dev.forecaster.walkforward;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.forecast.NaiveBaseline;
import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The scored pairs of a walk-forward (FORECASTING.md section 10) as a pure transform: every symbol
 * and as-of of the span with a matured label and a naive forecast, with the served, candidate and
 * naive forecasts and whether each was right. Served is the schedule's promoted model (naive when
 * there is none or it cannot score the row); candidate is the model trained at r_k (naive
 * likewise).
 */
public final class WalkForwardPredictions {
  public static final String ACTUAL_DIRECTION = "actual_direction";
  public static final String NAIVE_CORRECT = "naive_correct";
  public static final String NAIVE_PROB_UP = "naive_prob_up";
  public static final String CANDIDATE_MODEL_TYPE = "candidate_model_type";
  public static final String CANDIDATE_P_UP = "candidate_p_up";
  public static final String CANDIDATE_DIRECTION = "candidate_direction";
  public static final String CANDIDATE_CORRECT = "candidate_correct";
  public static final String SERVED_MODEL_TYPE = "served_model_type";
  public static final String SERVED_P_UP = "served_p_up";
  public static final String SERVED_DIRECTION = "served_direction";
  public static final String SERVED_CORRECT = "served_correct";
  public static final String LEAKAGE = "leakage";
  public static final String YEAR = "year";

  /** Scores of the run's models: (model_version, symbol, as_of, p_up). */
  public static final String SCORE_VERSION = "model_version";

  private WalkForwardPredictions() {}

  /**
   * @param labels {@link dev.forecaster.features.Labels#compute} rows matured at the latest candle
   *     close in the data
   * @param naive {@link NaiveBaseline#compute} rows of horizon h over the span
   * @param scores (model_version, symbol, as_of, p_up) of every model on its intervals
   * @param schedule {@link Schedule#frame}
   * @param from A, first as-of of the span
   * @param to B, last as-of of the span
   */
  public static Dataset<Row> assemble(
      Dataset<Row> labels,
      Dataset<Row> naive,
      Dataset<Row> scores,
      Dataset<Row> schedule,
      int horizonMinutes,
      Instant from,
      Instant to) {
    Dataset<Row> pairs =
        labels
            .filter(
                col(HORIZON_MINUTES)
                    .equalTo(horizonMinutes)
                    .and(col(MATURED))
                    .and(col(AS_OF).geq(Timestamp.from(from)))
                    .and(col(AS_OF).leq(Timestamp.from(to))))
            .select(
                col(SYMBOL), col(AS_OF), col(FUTURE_RETURN), col(DIRECTION).as(ACTUAL_DIRECTION))
            .join(
                naive
                    .filter(col(NaiveBaseline.NAIVE_DIRECTION).isNotNull())
                    .select(
                        col(SYMBOL),
                        col(AS_OF),
                        col(NaiveBaseline.NAIVE_DIRECTION),
                        col(NaiveBaseline.NAIVE_CONFIDENCE)),
                new String[] {SYMBOL, AS_OF});
    Column inInterval =
        col(AS_OF).geq(col(Schedule.RETRAIN_DATE)).and(col(AS_OF).lt(col(Schedule.UNTIL)));
    Dataset<Row> scheduled = pairs.join(broadcast(schedule), inInterval);
    Dataset<Row> candidate =
        scores.select(
            col(SCORE_VERSION).as(Schedule.CANDIDATE_VERSION),
            col(SYMBOL),
            col(AS_OF),
            col(P_UP).as(CANDIDATE_P_UP));
    Dataset<Row> served =
        scores.select(
            col(SCORE_VERSION).as(Schedule.SERVED_VERSION),
            col(SYMBOL),
            col(AS_OF),
            col(P_UP).as(SERVED_P_UP));
    Dataset<Row> scored =
        scheduled
            .join(candidate, new String[] {Schedule.CANDIDATE_VERSION, SYMBOL, AS_OF}, "left")
            .join(served, new String[] {Schedule.SERVED_VERSION, SYMBOL, AS_OF}, "left");

    Column actualUp = col(ACTUAL_DIRECTION).equalTo(UP);
    Column naiveUp = col(NaiveBaseline.NAIVE_DIRECTION).equalTo(UP);
    Column naiveProbUp =
        when(naiveUp, col(NaiveBaseline.NAIVE_CONFIDENCE))
            .otherwise(lit(1.0).minus(col(NaiveBaseline.NAIVE_CONFIDENCE)));
    Column candidateMl = col(CANDIDATE_P_UP).isNotNull();
    Column servedMl = col(SERVED_P_UP).isNotNull();
    Column candidateDirection =
        when(candidateMl, when(col(CANDIDATE_P_UP).gt(0.5), lit(UP)).otherwise(lit(DOWN)))
            .otherwise(col(NaiveBaseline.NAIVE_DIRECTION));
    Column servedDirection =
        when(servedMl, when(col(SERVED_P_UP).gt(0.5), lit(UP)).otherwise(lit(DOWN)))
            .otherwise(col(NaiveBaseline.NAIVE_DIRECTION));
    long h = horizonMinutes * 60L;
    // A pair scored by a model whose training reaches past it: t' + h > t for a training as-of t'.
    Column leaks =
        candidateMl
            .and(
                unix_seconds(col(Schedule.CANDIDATE_LAST_TRAIN))
                    .plus(h)
                    .gt(unix_seconds(col(AS_OF))))
            .or(
                servedMl.and(
                    unix_seconds(col(Schedule.SERVED_LAST_TRAIN))
                        .plus(h)
                        .gt(unix_seconds(col(AS_OF)))));
    return scored
        .select(
            col(SYMBOL),
            col(AS_OF),
            year(col(AS_OF)).as(YEAR),
            col(Schedule.RETRAIN_DATE),
            col(FUTURE_RETURN),
            col(ACTUAL_DIRECTION),
            col(NaiveBaseline.NAIVE_DIRECTION),
            col(NaiveBaseline.NAIVE_CONFIDENCE),
            naiveProbUp.as(NAIVE_PROB_UP),
            col(NaiveBaseline.NAIVE_DIRECTION).equalTo(col(ACTUAL_DIRECTION)).as(NAIVE_CORRECT),
            when(candidateMl, lit("ml")).otherwise(lit("naive")).as(CANDIDATE_MODEL_TYPE),
            when(candidateMl, col(Schedule.CANDIDATE_VERSION)).as(Schedule.CANDIDATE_VERSION),
            when(candidateMl, col(CANDIDATE_P_UP)).otherwise(naiveProbUp).as(CANDIDATE_P_UP),
            candidateDirection.as(CANDIDATE_DIRECTION),
            candidateDirection.equalTo(col(ACTUAL_DIRECTION)).as(CANDIDATE_CORRECT),
            when(servedMl, lit("ml")).otherwise(lit("naive")).as(SERVED_MODEL_TYPE),
            when(servedMl, col(Schedule.SERVED_VERSION)).as(Schedule.SERVED_VERSION),
            when(servedMl, col(SERVED_P_UP)).otherwise(naiveProbUp).as(SERVED_P_UP),
            servedDirection.as(SERVED_DIRECTION),
            servedDirection.equalTo(col(ACTUAL_DIRECTION)).as(SERVED_CORRECT),
            coalesce(leaks, lit(false)).as(LEAKAGE),
            actualUp.as("_actual_up"))
        .drop("_actual_up");
  }

  /** A row of {@link #assemble} (or of the predictions table) as a summary pair. */
  public static WalkForwardSummary.Pair toPair(Row p) {
    return new WalkForwardSummary.Pair(
        p.getString(p.fieldIndex(SYMBOL)),
        p.getTimestamp(p.fieldIndex(AS_OF)).toInstant().getEpochSecond(),
        p.getInt(p.fieldIndex(YEAR)),
        p.getBoolean(p.fieldIndex(SERVED_CORRECT)),
        p.getBoolean(p.fieldIndex(CANDIDATE_CORRECT)),
        p.getBoolean(p.fieldIndex(NAIVE_CORRECT)),
        p.getDouble(p.fieldIndex(SERVED_P_UP)),
        p.getDouble(p.fieldIndex(CANDIDATE_P_UP)),
        UP.equals(p.getString(p.fieldIndex(ACTUAL_DIRECTION))),
        "ml".equals(p.getString(p.fieldIndex(SERVED_MODEL_TYPE))),
        p.getBoolean(p.fieldIndex(LEAKAGE)));
  }
}
