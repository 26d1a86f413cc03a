package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.forecast.NaiveBaseline;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
   * Feature rows up to which {@link #pUpInDriver} scores in the driver: a backtest window or a
   * night of a thousand symbols (60,000 rows of ~20 values, tens of MB at most).
   */
  public static final int MAX_DRIVER_ROWS = 100_000;

  /**
   * {@link #pUp} of a small set of feature rows, computed in the driver, as a local relation. A
   * distributed scoring puts the forest in every task (6-7 MB serialised for 300 trees of depth 8)
   * and deserialises it per task: 4-9 s for a backtest window of 1,400 rows. Here the rows are
   * collected and the same pipeline runs over them as a local relation, which Spark's optimizer
   * evaluates in place (ConvertToLocalRelation: no job, no task) with the same code, so p_up is
   * identical; 0.5 s for the same window. More than {@link #MAX_DRIVER_ROWS} rows are scored as
   * {@link #pUp} does.
   */
  public static Dataset<Row> pUpInDriver(PipelineModel model, Dataset<Row> features) {
    return pUpInDriver(model, features, MAX_DRIVER_ROWS);
  }

  static Dataset<Row> pUpInDriver(PipelineModel model, Dataset<Row> features, int maxRows) {
    List<Row> rows = features.limit(maxRows + 1).collectAsList();
    if (rows.size() > maxRows) {
      return pUp(model, features);
    }
    SparkSession spark = features.sparkSession();
    Dataset<Row> scored = pUp(model, spark.createDataFrame(rows, features.schema()));
    // Materialised once: each query over `scored` would otherwise run the forest again while
    // planning.
    return spark.createDataFrame(scored.collectAsList(), scored.schema());
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
