package dev.forecaster.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table written by an older version (here: forecast_outcomes before unscorable outcomes, its
 * realised return NOT NULL and no reason column) takes rows of the new schema: the missing column
 * is added, NOT NULL dropped, and the old rows keep their values.
 */
class WarehouseEvolveTest {
  @TempDir Path tmp;

  @Test
  void anOlderTableGainsTheNewColumnAndLosesTheNotNullConstraint() {
    SparkSession spark = TestSpark.session();
    Warehouse w =
        new Warehouse(
            spark, ConfigLoader.load(null, Map.of("warehouse", tmp.resolve("w").toString())));
    StructType before =
        new StructType()
            .add("key", DataTypes.StringType, false)
            .add("realised_return", DataTypes.DoubleType, false);
    StructType now =
        new StructType()
            .add("key", DataTypes.StringType, false)
            .add("realised_return", DataTypes.DoubleType)
            .add("unscorable_reason", DataTypes.StringType);
    w.upsert(
        "t",
        before,
        spark.createDataFrame(List.of(RowFactory.create("a", 0.5)), before),
        List.of("key"));
    assertFalse(w.read("t").schema().apply("realised_return").nullable(), "the old constraint");

    w.upsert(
        "t",
        now,
        spark.createDataFrame(List.of(RowFactory.create("b", null, "symbol_feed_stopped")), now),
        List.of("key"));

    List<Row> rows = w.read("t").orderBy("key").collectAsList();
    assertEquals(2, rows.size());
    assertEquals(0.5, rows.get(0).getDouble(1), 0.0);
    assertNull(rows.get(0).get(2));
    assertNull(rows.get(1).get(1));
    assertEquals("symbol_feed_stopped", rows.get(1).getString(2));
    assertTrue(w.read("t").schema().apply("realised_return").nullable());
    // Evolving again changes nothing: no new commit.
    long version = w.currentVersion("t");
    w.ensure("t", now);
    assertEquals(version, w.currentVersion("t"));
  }
}
