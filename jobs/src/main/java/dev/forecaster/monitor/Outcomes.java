package dev.forecaster.monitor;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Matured forecasts joined with what happened: the rows of {@code forecast_outcomes}. The realised
 * direction is the label of FORECASTING.md section 3, computed by {@link
 * dev.forecaster.features.Labels} (the code path training and the backtest use), matured at the
 * monitor's as-of T.
 */
public final class Outcomes {
  private Outcomes() {}

  /** as_of + horizon, as a timestamp. */
  public static Column maturedAt() {
    return timestamp_seconds(unix_seconds(col(AS_OF)).plus(col(HORIZON_MINUTES).multiply(60L)));
  }

  /**
   * Forecasts whose horizon has passed by T ({@code as_of + h <= T}) and that have no outcome yet
   * for the same forecast run: new nights, nights re-forecast since their outcome was recorded, and
   * nights whose label could not mature earlier (a missing candle at t + h).
   *
   * @param outcomes the forecast_outcomes table, or null when it does not exist
   */
  public static Dataset<Row> pending(Dataset<Row> forecasts, Dataset<Row> outcomes, Instant t) {
    Dataset<Row> due = forecasts.filter(maturedAt().leq(Timestamp.from(t)));
    if (outcomes == null) {
      return due;
    }
    Dataset<Row> recorded =
        outcomes.select(
            col(AS_OF),
            col(SYMBOL),
            col(HORIZON_MINUTES),
            col(LOOKBACK_DAYS),
            col(FORECAST_RUN_ID).as(RUN_ID));
    return due.join(
        recorded,
        new String[] {AS_OF, SYMBOL, HORIZON_MINUTES, LOOKBACK_DAYS, RUN_ID},
        "left_anti");
  }

  /**
   * The probability of up a forecast stated: p_up of an ML row; for a naive row its confidence when
   * it said up and 1 - confidence when it said down (the share of historical returns that were up).
   */
  public static Column probUp() {
    return coalesce(
        col(P_UP),
        when(col(DIRECTION).equalTo(UP), col(CONFIDENCE))
            .when(col(DIRECTION).equalTo(DOWN), lit(1.0).minus(col(CONFIDENCE))));
  }

  /**
   * Outcome rows of the forecasts whose label has matured.
   *
   * @param forecasts rows of the forecasts table (e.g. {@link #pending})
   * @param labels rows of {@link dev.forecaster.features.Labels#compute} matured at T
   */
  public static Dataset<Row> of(
      Dataset<Row> forecasts, Dataset<Row> labels, String runId, Instant createdAt) {
    Dataset<Row> matured =
        labels
            .filter(col(MATURED))
            .select(
                col(SYMBOL),
                col(AS_OF),
                col(HORIZON_MINUTES),
                col(FUTURE_RETURN).as(REALISED_RETURN),
                col(DIRECTION).as(REALISED_DIRECTION));
    Dataset<Row> joined =
        forecasts.join(matured, new String[] {SYMBOL, AS_OF, HORIZON_MINUTES}, "inner");
    Dataset<Row> rows =
        joined
            .withColumn(MATURED_AT, maturedAt())
            .withColumn(PROB_UP, probUp())
            .withColumn(CORRECT, col(DIRECTION).equalTo(col(REALISED_DIRECTION)))
            .withColumn(FORECAST_RUN_ID, col(RUN_ID))
            .withColumn(RUN_ID, lit(runId))
            .withColumn(CREATED_AT, lit(Timestamp.from(createdAt)));
    return rows.select(
        Arrays.stream(Schemas.FORECAST_OUTCOMES.fieldNames())
            .map(c -> col(c))
            .toArray(Column[]::new));
  }
}
