package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Samples, split and purge of FORECASTING.md section 7, as pure transforms.
 *
 * <p>A sample is one (symbol, as_of) whose label for the horizon is matured and whose price_r_7d is
 * not null. The split is per symbol and chronological: the oldest {@code floor(n · ratio)} samples
 * train, the rest test. The purge drops a train sample whose label window {@code (t, t + h]}
 * reaches the symbol's first test as-of.
 */
public final class Samples {
  /** Split assignment of a sample: {@link #TRAIN}, {@link #TEST} or {@link #PURGED}. */
  public static final String SPLIT = "split";

  public static final String TRAIN = "train";
  public static final String TEST = "test";
  public static final String PURGED = "purged";

  /** 1.0 for up, 0.0 for down: the classifier's label. */
  public static final String LABEL = "label";

  private Samples() {}

  /**
   * Samples of one horizon: features joined with matured labels.
   *
   * @param features rows of the features table (one lookback)
   * @param labels rows of {@link dev.forecaster.features.Labels#compute}
   */
  public static Dataset<Row> of(Dataset<Row> features, Dataset<Row> labels, int horizonMinutes) {
    Dataset<Row> matured =
        labels
            .filter(col(HORIZON_MINUTES).equalTo(horizonMinutes).and(col(MATURED)))
            .select(
                col(SYMBOL), col(AS_OF), col(HORIZON_MINUTES), col(FUTURE_RETURN), col(DIRECTION));
    return features
        .filter(col(PRICE_R_7D).isNotNull())
        .join(matured, new String[] {SYMBOL, AS_OF})
        .withColumn(LABEL, when(col(DIRECTION).equalTo(UP), 1.0).otherwise(0.0));
  }

  /**
   * Adds {@link #SPLIT} to each sample.
   *
   * @param trainRatio share of each symbol's samples, oldest first, that train
   * @param purge whether to drop train samples whose label window reaches the first test as-of
   */
  public static Dataset<Row> split(
      Dataset<Row> samples, double trainRatio, boolean purge, int horizonMinutes) {
    WindowSpec bySymbol = Window.partitionBy(SYMBOL);
    WindowSpec chronological = Window.partitionBy(SYMBOL).orderBy(col(AS_OF));
    Column nTrain = floor(count(lit(1)).over(bySymbol).multiply(trainRatio));
    Dataset<Row> ranked =
        samples
            .withColumn("_rank", row_number().over(chronological))
            .withColumn("_n_train", nTrain);
    Column isTest = col("_rank").gt(col("_n_train"));
    Dataset<Row> withFirstTest =
        ranked.withColumn(
            "_first_test", min(when(isTest, unix_seconds(col(AS_OF)))).over(bySymbol));
    Column reachesTest =
        unix_seconds(col(AS_OF))
            .plus(horizonMinutes * 60L)
            .gt(col("_first_test"))
            .and(col("_first_test").isNotNull());
    Column split =
        when(isTest, lit(TEST))
            .when(lit(purge).and(reachesTest), lit(PURGED))
            .otherwise(lit(TRAIN));
    return withFirstTest.withColumn(SPLIT, split).drop("_rank", "_n_train", "_first_test");
  }

  /** The samples a model may train on when the backtest window starts at {@code windowStartS}. */
  public static Dataset<Row> endingBefore(
      Dataset<Row> samples, long windowStartS, int horizonMinutes) {
    return samples.filter(
        unix_seconds(col(AS_OF)).plus(horizonMinutes * 60L).leq(lit(windowStartS)));
  }
}
