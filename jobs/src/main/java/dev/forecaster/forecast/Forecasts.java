package dev.forecaster.forecast;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import dev.forecaster.model.ForestScores;
import dev.forecaster.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Assembles the rows of the {@code forecasts} table for one horizon and lookback (FORECASTING.md
 * sections 4-6): the model's forecast where it applies, else the naive baseline with the reason.
 *
 * <p>The model applies to a row when it was trained on this lookback, its training data was known
 * by the as-of (a backfill never uses a model from the as-of's future), and the row has the
 * features every training sample had (price_r_7d not null).
 */
public final class Forecasts {
  private Forecasts() {}

  /**
   * @param features feature rows of one lookback (symbol, as_of, lookback_days, 17 features)
   * @param naive {@link NaiveBaseline#compute} rows of this lookback (any horizons)
   * @param regimes {@link Regimes#compute} rows
   * @param pUp (symbol, as_of, p_up) of the chosen model, or null when there is none
   */
  public static Dataset<Row> assemble(
      Dataset<Row> features,
      Dataset<Row> naive,
      Dataset<Row> regimes,
      int horizonMinutes,
      int lookbackDays,
      ModelChoice choice,
      Dataset<Row> pUp,
      String runId,
      Instant createdAt) {
    String[] key = {SYMBOL, AS_OF};
    Dataset<Row> rows =
        features
            .join(
                naive.filter(col(HORIZON_MINUTES).equalTo(horizonMinutes)).drop(LOOKBACK_DAYS),
                key,
                "left")
            .join(regimes, key, "left");
    Column mlApplies;
    Column notApplicable;
    if (pUp != null) {
      rows = rows.join(pUp.select(SYMBOL, AS_OF, P_UP), key, "left");
      String ref = choice.entry().ref();
      boolean lookbackMatches = choice.entry().lookbackDays() == lookbackDays;
      Column known = col(AS_OF).geq(Timestamp.from(choice.trainedAsOf()));
      Column complete = col(PRICE_R_7D).isNotNull();
      mlApplies = lit(lookbackMatches).and(known).and(complete).and(col(P_UP).isNotNull());
      notApplicable =
          !lookbackMatches
              ? lit(
                  String.format(
                      "model %s was trained on lookback %d d, not %d d",
                      ref, choice.entry().lookbackDays(), lookbackDays))
              : when(
                      not(known),
                      lit(
                          "model "
                              + ref
                              + " was trained on data known at "
                              + choice.trainedAsOf()
                              + ", after this as-of"))
                  .otherwise(
                      lit(
                          "features incomplete for model "
                              + ref
                              + ": price_r_7d is null (stale or short price history)"));
    } else {
      rows = rows.withColumn(P_UP, lit(null).cast("double"));
      mlApplies = lit(false);
      notApplicable = lit(choice.note());
    }
    rows = ForestScores.withForecast(rows);
    Column naiveReason =
        when(
                col(NaiveBaseline.NAIVE_DIRECTION).isNull(),
                concat_ws(
                    "; ",
                    notApplicable,
                    coalesce(
                        col(NaiveBaseline.NAIVE_MISSING_REASON),
                        lit("no price history for the naive baseline"))))
            .otherwise(notApplicable);
    List<Column> featureEntries = new ArrayList<>();
    for (String f : FEATURES) {
      featureEntries.add(lit(f));
      featureEntries.add(col(f).cast("double"));
    }
    Column mlNote =
        choice.hasModel() && choice.note() != null ? lit(choice.note()) : lit(null).cast("string");
    Dataset<Row> out =
        rows.select(
            col(AS_OF),
            col(SYMBOL),
            lit(horizonMinutes).as(HORIZON_MINUTES),
            lit(lookbackDays).as(LOOKBACK_DAYS),
            when(mlApplies, col(ForestScores.ML_EXPECTED_RETURN))
                .otherwise(col(NaiveBaseline.NAIVE_EXPECTED_RETURN))
                .as(EXPECTED_RETURN),
            when(mlApplies, col(ForestScores.ML_DIRECTION))
                .otherwise(col(NaiveBaseline.NAIVE_DIRECTION))
                .as(DIRECTION),
            when(mlApplies, col(ForestScores.ML_CONFIDENCE))
                .otherwise(col(NaiveBaseline.NAIVE_CONFIDENCE))
                .as(CONFIDENCE),
            when(mlApplies, col(P_UP)).as(P_UP),
            col(PRICE_N_POINTS).as(N_POINTS),
            when(mlApplies, lit(MODEL_TYPE_ML)).otherwise(lit(MODEL_TYPE_NAIVE)).as(MODEL_TYPE),
            when(mlApplies, lit(choice.hasModel() ? choice.entry().modelName() : null))
                .otherwise(lit(NAIVE_MODEL_NAME))
                .as(MODEL_NAME),
            when(mlApplies, lit(choice.hasModel() ? choice.entry().version() : null))
                .as(MODEL_VERSION),
            col(REGIME),
            col(REGIME_SCORE),
            map(featureEntries.toArray(Column[]::new)).as(FEATURES_MAP),
            when(mlApplies, mlNote).otherwise(naiveReason).as(FALLBACK_REASON),
            lit(runId).as(RUN_ID),
            lit(Timestamp.from(createdAt)).as(CREATED_AT),
            date_format(col(AS_OF), "yyyy-MM").as(AS_OF_MONTH));
    return out.select(
        Arrays.stream(Schemas.FORECASTS.fieldNames()).map(c -> col(c)).toArray(Column[]::new));
  }
}
