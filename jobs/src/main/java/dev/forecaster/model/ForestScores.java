package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.forecast.NaiveBaseline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The ML forecast of FORECASTING.md section 5 for any set of feature rows: {@code p_up}, direction
 * up iff p_up > 0.5, confidence max(p_up, 1 - p_up), and expected return {@code (2·p_up - 1) ·
 * mean(|R_j|)} with R_j the naive baseline's historical returns.
 */
public final class ForestScores {
  public static final String ML_DIRECTION = "ml_direction";
  public static final String ML_CONFIDENCE = "ml_confidence";
  public static final String ML_EXPECTED_RETURN = "ml_expected_return";

  private ForestScores() {}

  /** (symbol, as_of, lookback_days, p_up) for each feature row. */
  public static Dataset<Row> pUp(PipelineModel model, Dataset<Row> features) {
    return model
        .transform(features)
        .select(
            col(SYMBOL),
            col(AS_OF),
            col(LOOKBACK_DAYS),
            functions
                .vector_to_array(col(ForestPipeline.PROBABILITY), "float64")
                .getItem(1)
                .as(P_UP));
  }

  /**
   * Adds the ML direction, confidence and expected return to rows holding {@code p_up} and the
   * naive baseline's {@link NaiveBaseline#MEAN_ABS_RETURN}.
   */
  public static Dataset<Row> withForecast(Dataset<Row> scored) {
    Column pUp = col(P_UP);
    return scored
        .withColumn(ML_DIRECTION, when(pUp.gt(0.5), lit(UP)).otherwise(lit(DOWN)))
        .withColumn(ML_CONFIDENCE, greatest(pUp, lit(1.0).minus(pUp)))
        .withColumn(
            ML_EXPECTED_RETURN,
            pUp.multiply(2).minus(1).multiply(col(NaiveBaseline.MEAN_ABS_RETURN)));
  }
}
