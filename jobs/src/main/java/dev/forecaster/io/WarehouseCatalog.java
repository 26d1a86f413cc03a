package dev.forecaster.io;

import dev.forecaster.config.ForecasterConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Every Delta table of the warehouse under its own name in the session's catalog, so SQL can say
 * {@code SELECT * FROM forecasts}, {@code DESCRIBE HISTORY prices} and {@code VERSION AS OF}
 * instead of {@code delta.`<warehouse>/forecasts`}. The catalog entries are the session's own
 * (in-memory, external tables at the warehouse locations): registering writes nothing to a table.
 */
public final class WarehouseCatalog {
  /** Every table name of the warehouse, in the order of the pipeline. */
  public static final List<String> TABLES =
      List.of(
          Tables.PRICES,
          Tables.EVENTS,
          Tables.QUARANTINE,
          Tables.INGESTED_FILES,
          Tables.FEATURES,
          Tables.MODEL_REGISTRY,
          Tables.MODEL_REGISTRY_HISTORY,
          Tables.BACKTEST_PREDICTIONS,
          Tables.BACKTEST_SUMMARY,
          Tables.FORECASTS,
          Tables.FORECAST_OUTCOMES,
          Tables.MONITORING_METRICS,
          Tables.ALERTS,
          Tables.WALKFORWARD_RUNS,
          Tables.WALKFORWARD_PREDICTIONS,
          Tables.WALKFORWARD_SUMMARY);

  private WarehouseCatalog() {}

  /**
   * Every Delta table the warehouse holds, by the name {@link Warehouse#path} takes: those of
   * {@link #TABLES} that exist, then the registry and backtest tables of each walk-forward run
   * ({@code walkforward/<run id>/model_registry}, ...).
   */
  public static List<String> deltaTables(SparkSession spark, ForecasterConfig config) {
    Warehouse warehouse = new Warehouse(spark, config);
    List<String> tables = existing(warehouse, "");
    org.apache.hadoop.fs.Path runs = new org.apache.hadoop.fs.Path(config.tablePath("walkforward"));
    try {
      var fs = runs.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(runs)) {
        return tables;
      }
      List<String> ids = new ArrayList<>();
      for (var status : fs.listStatus(runs)) {
        if (status.isDirectory()) {
          ids.add(status.getPath().getName());
        }
      }
      java.util.Collections.sort(ids);
      for (String id : ids) {
        tables.addAll(existing(warehouse, Tables.walkForwardRun(id) + "/"));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + runs, e);
    }
    return tables;
  }

  /** Registers the tables that exist; returns their names. */
  public static List<String> register(SparkSession spark, ForecasterConfig config) {
    Warehouse warehouse = new Warehouse(spark, config);
    List<String> registered = existing(warehouse, "");
    for (String table : registered) {
      spark.sql(
          "CREATE TABLE IF NOT EXISTS `"
              + table
              + "` USING delta LOCATION '"
              + warehouse.path(table).replace("'", "\\'")
              + "'");
    }
    return registered;
  }

  /** The names {@code prefix + table} of {@link #TABLES} that exist, in that order. */
  private static List<String> existing(Warehouse warehouse, String prefix) {
    List<String> found = new ArrayList<>();
    for (String table : TABLES) {
      if (warehouse.exists(prefix + table)) {
        found.add(prefix + table);
      }
    }
    return found;
  }
}
