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

  /** No candle of the symbol closed in (t - S, t]: the forecast's own d_0 is unknown. */
  public static final String STALE_PRICE_AT_AS_OF = "stale_price_at_as_of";

  /**
   * The symbol's data reaches past t + h but no candle closed in (t + h - S, t + h]: a hole in the
   * feed longer than the staleness rule.
   */
  public static final String NO_PRICE_AT_HORIZON = "no_price_at_horizon";

  /**
   * The symbol's latest candle closed S or more before t + h while the market's data reached t + h:
   * its feed stopped (delisted, or an outage).
   */
  public static final String SYMBOL_FEED_STOPPED = "symbol_feed_stopped";

  /**
   * Forecasts due by x ({@code as_of + h <= x}, x the latest candle close in the data known at T)
   * that have no final outcome yet for the same forecast run: new nights, nights re-forecast since
   * their outcome was recorded, nights whose symbol's data had not reached t + h, and unscorable
   * outcomes that matured after {@code recheckFrom} (late candles may still make them scorable).
   *
   * @param outcomes the forecast_outcomes table, or null when it does not exist
   */
  public static Dataset<Row> pending(
      Dataset<Row> forecasts, Dataset<Row> outcomes, Instant x, Instant recheckFrom) {
    Dataset<Row> due = forecasts.filter(maturedAt().leq(Timestamp.from(x)));
    if (outcomes == null) {
      return due;
    }
    Dataset<Row> recorded =
        outcomes
            .filter(
                col(UNSCORABLE_REASON).isNull().or(col(MATURED_AT).lt(Timestamp.from(recheckFrom))))
            .select(
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
   * Outcome rows of the pending forecasts that are final at x: scored ones (the label of
   * FORECASTING.md section 3, matured at x, from a symbol whose own data has reached t + h, so no
   * later candle can change it) and unscorable ones with their reason. A forecast whose symbol's
   * data lags t + h by less than S gets no row yet: its outcome may still be scored.
   *
   * @param forecasts rows of the forecasts table (e.g. {@link #pending})
   * @param labels rows of {@link dev.forecaster.features.Labels#compute} matured at x
   * @param latestClose (symbol, _latest_s): each symbol's latest candle close known at T, epoch s
   */
  public static Dataset<Row> of(
      Dataset<Row> forecasts,
      Dataset<Row> labels,
      Dataset<Row> latestClose,
      long stalenessSeconds,
      String runId,
      Instant createdAt) {
    Dataset<Row> realised =
        labels.select(
            col(SYMBOL),
            col(AS_OF),
            col(HORIZON_MINUTES),
            col(MATURED).as("_matured"),
            col(FUTURE_RETURN).as("_return"),
            col(dev.forecaster.features.Labels.BASE_PRICE).as("_base"),
            col(DIRECTION).as("_direction"));
    Column horizonEnd = unix_seconds(col(AS_OF)).plus(col(HORIZON_MINUTES).multiply(60L));
    Column reached = col(LATEST_CLOSE_S).geq(horizonEnd);
    Column stopped =
        col(LATEST_CLOSE_S)
            .isNull()
            .or(col(LATEST_CLOSE_S).leq(horizonEnd.minus(stalenessSeconds)));
    // Labels.compute: matured means P*(t + h) is known.
    Column reason =
        when(stopped, lit(SYMBOL_FEED_STOPPED))
            .when(reached.and(col("_base").isNull()), lit(STALE_PRICE_AT_AS_OF))
            .when(reached.and(not(col("_matured"))), lit(NO_PRICE_AT_HORIZON));
    Column scored = reached.and(col("_matured")).and(col("_return").isNotNull());
    Dataset<Row> joined =
        forecasts
            .join(realised, new String[] {SYMBOL, AS_OF, HORIZON_MINUTES}, "left")
            .join(latestClose, new String[] {SYMBOL}, "left")
            .withColumn(UNSCORABLE_REASON, reason)
            .filter(scored.or(col(UNSCORABLE_REASON).isNotNull()));
    Dataset<Row> rows =
        joined
            .withColumn(REALISED_RETURN, when(scored, col("_return")))
            .withColumn(REALISED_DIRECTION, when(scored, col("_direction")))
            .withColumn(MATURED_AT, maturedAt())
            .withColumn(PROB_UP, probUp())
            .withColumn(CORRECT, when(scored, col(DIRECTION).equalTo(col(REALISED_DIRECTION))))
            .withColumn(FORECAST_RUN_ID, col(RUN_ID))
            .withColumn(RUN_ID, lit(runId))
            .withColumn(CREATED_AT, lit(Timestamp.from(createdAt)));
    return rows.select(
        Arrays.stream(Schemas.FORECAST_OUTCOMES.fieldNames())
            .map(c -> col(c))
            .toArray(Column[]::new));
  }

  /** Each symbol's latest candle close, epoch seconds: the column of {@code latestClose}. */
  public static final String LATEST_CLOSE_S = "_latest_s";
}
