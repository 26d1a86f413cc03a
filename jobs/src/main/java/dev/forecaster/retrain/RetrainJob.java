package dev.forecaster.retrain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.backtest.BacktestModelJob;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.model.TrainModelJob;
import dev.forecaster.registry.ModelArtifacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The monthly retrain: for every configured horizon, trains a candidate whose training data ends
 * (purged) before the backtest window, backtests it on that window and gates it. The version that
 * was validated is the version that is promoted: nothing is refit after the gate. The backtest
 * scores the pipeline the retrain fitted and saved, as it holds it in memory.
 */
public final class RetrainJob {
  private final SparkSession spark;
  private final ForecasterConfig config;

  public RetrainJob(SparkSession spark, ForecasterConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** Per horizon: the trained version and its backtest. */
  public record HorizonResult(TrainModelJob.Trained trained, BacktestModelJob.Outcome backtest) {}

  public List<HorizonResult> run(Instant asOf) {
    TrainModelJob train = new TrainModelJob(spark, config);
    BacktestModelJob backtest = new BacktestModelJob(spark, config);
    TrainModelJob.Inputs inputs = train.inputs(asOf, null);
    List<HorizonResult> results = new ArrayList<>();
    try {
      for (int h : config.horizonsMinutes()) {
        TrainModelJob.Trained trained =
            train.train(
                inputs, new TrainModelJob.Options(h, null, true, config.split().purge(), false));
        results.add(
            new HorizonResult(
                trained,
                backtest.run(
                    trained.entry(),
                    inputs.data().asOf,
                    config.backtestDays(),
                    inputs,
                    trained.fitted())));
      }
    } finally {
      inputs.features().unpersist();
      inputs.labels().unpersist();
    }
    return results;
  }

  /** The machine-readable result a scheduler branches on. */
  public static ObjectNode resultJson(Instant asOf, List<HorizonResult> results) {
    ObjectNode root = ModelArtifacts.JSON.createObjectNode();
    root.put("as_of", asOf == null ? null : asOf.toString());
    ArrayNode horizons = root.putArray("horizons");
    boolean anyPromoted = false;
    for (HorizonResult r : results) {
      ObjectNode h = horizons.addObject();
      h.put("horizon_minutes", r.trained().entry().horizonMinutes());
      h.put("model_name", r.trained().entry().modelName());
      h.put("version", r.trained().entry().version());
      h.put("gate", r.backtest().gate().outcome().name());
      h.put("status", r.backtest().statusAfter());
      boolean promoted = "promoted".equals(r.backtest().statusAfter());
      h.put("promoted", promoted);
      ArrayNode failures = h.putArray("failures");
      r.backtest().gate().failures().forEach(failures::add);
      h.put("ml_accuracy", r.backtest().overall().mlAccuracy());
      h.put("naive_accuracy", r.backtest().overall().naiveAccuracy());
      anyPromoted |= promoted;
    }
    root.put("any_promoted", anyPromoted);
    return root;
  }
}
