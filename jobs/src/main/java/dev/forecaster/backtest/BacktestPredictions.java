package dev.forecaster.backtest;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.forecast.NaiveBaseline;
import dev.forecaster.model.ForestScores;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Pairs the ML and naive forecasts with the realised direction on the (symbol, as-of) samples of
 * the window, and counts them per symbol (FORECASTING.md section 8). A pair where either forecast
 * is missing is kept, flagged {@link #INCLUDED} = false, and left out of both accuracies.
 */
public final class BacktestPredictions {
  public static final String ML_CORRECT = "ml_correct";
  public static final String NAIVE_CORRECT = "naive_correct";
  public static final String INCLUDED = "included";
  public static final String ACTUAL_DIRECTION = "actual_direction";

  private BacktestPredictions() {}

  /**
   * @param samples window samples (symbol, as_of, future_return, direction)
   * @param mlScores (symbol, as_of, p_up) from {@link ForestScores#pUp}
   * @param naive rows of {@link NaiveBaseline#compute} for the model's horizon
   */
  public static Dataset<Row> pair(Dataset<Row> samples, Dataset<Row> mlScores, Dataset<Row> naive) {
    Dataset<Row> joined =
        samples
            .select(
                col(SYMBOL), col(AS_OF), col(FUTURE_RETURN), col(DIRECTION).as(ACTUAL_DIRECTION))
            .join(mlScores.select(SYMBOL, AS_OF, P_UP), new String[] {SYMBOL, AS_OF}, "left")
            .join(
                naive.select(
                    col(SYMBOL),
                    col(AS_OF),
                    col(NaiveBaseline.NAIVE_DIRECTION),
                    col(NaiveBaseline.NAIVE_CONFIDENCE),
                    col(NaiveBaseline.NAIVE_EXPECTED_RETURN),
                    col(NaiveBaseline.MEAN_ABS_RETURN),
                    col(NaiveBaseline.NAIVE_MISSING_REASON)),
                new String[] {SYMBOL, AS_OF},
                "left");
    Dataset<Row> withMl =
        ForestScores.withForecast(joined)
            .withColumn(
                ForestScores.ML_DIRECTION,
                when(col(P_UP).isNotNull(), col(ForestScores.ML_DIRECTION)))
            .withColumn(
                ForestScores.ML_CONFIDENCE,
                when(col(P_UP).isNotNull(), col(ForestScores.ML_CONFIDENCE)));
    Column included = col(P_UP).isNotNull().and(col(NaiveBaseline.NAIVE_DIRECTION).isNotNull());
    return withMl
        .withColumn(INCLUDED, included)
        .withColumn(ML_CORRECT, col(ForestScores.ML_DIRECTION).equalTo(col(ACTUAL_DIRECTION)))
        .withColumn(
            NAIVE_CORRECT, col(NaiveBaseline.NAIVE_DIRECTION).equalTo(col(ACTUAL_DIRECTION)));
  }

  /**
   * Per-symbol counts of the included pairs: n, ML correct, naive correct, b (ML right, naive
   * wrong), c (naive right, ML wrong), the sum of squared p_up errors, and pairs left out.
   */
  public static Dataset<Row> countsBySymbol(Dataset<Row> paired) {
    Column in = col(INCLUDED);
    Column ml = col(ML_CORRECT);
    Column naive = col(NAIVE_CORRECT);
    Column y = when(col(ACTUAL_DIRECTION).equalTo(UP), 1.0).otherwise(0.0);
    return paired
        .groupBy(SYMBOL)
        .agg(
            sum(when(in, 1L).otherwise(0L)).as("n"),
            sum(when(in.and(ml), 1L).otherwise(0L)).as("ml_correct"),
            sum(when(in.and(naive), 1L).otherwise(0L)).as("naive_correct"),
            sum(when(in.and(ml).and(not(naive)), 1L).otherwise(0L)).as("b"),
            sum(when(in.and(naive).and(not(ml)), 1L).otherwise(0L)).as("c"),
            sum(when(in, pow(col(P_UP).minus(y), 2)).otherwise(0.0)).as("brier_sum"),
            sum(when(not(in), 1L).otherwise(0L)).as("n_missing"))
        .orderBy(SYMBOL);
  }
}
