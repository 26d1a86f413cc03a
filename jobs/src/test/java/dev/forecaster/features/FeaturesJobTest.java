package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import dev.forecaster.ingest.IngestJob;
import dev.forecaster.io.Warehouse;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturesJobTest {
  @TempDir Path tmp;

  static List<Instant> days(String first, int n) {
    List<Instant> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Instant.parse(first).plusSeconds(i * 86_400L));
    }
    return out;
  }

  @Test
  void rangesAreReplacedIdempotentlyAndTheSliceReadIsEnough() throws Exception {
    ForecasterConfig config =
        ConfigLoader.load(null, Map.of("warehouse", tmp.resolve("wh").toString()));
    var spark = TestSpark.session();
    assertThrows(
        ForecasterException.class,
        () -> new FeaturesJob(spark, config).run(days("2024-03-01T00:00:00Z", 1), 60));
    new SyntheticMarket(
            new MarketSpec(
                List.of("BTC-USD", "ETH-USD"),
                MarketSpec.DEFAULT_START,
                150,
                14_400,
                3,
                0.5,
                0.01,
                0.6,
                0.4,
                0.15))
        .write(tmp.resolve("market"), s -> {});
    new IngestJob(spark, config, Clock.systemUTC())
        .run(
            new IngestJob.Request(
                Optional.of(tmp.resolve("market/prices").toString()),
                Optional.of(tmp.resolve("market/events").toString()),
                OptionalLong.empty()));
    Warehouse warehouse = new Warehouse(spark, config);
    FeaturesJob job = new FeaturesJob(spark, config);
    List<Instant> march = days("2024-03-01T00:00:00Z", 10);
    List<Instant> april = days("2024-04-01T00:00:00Z", 10);
    job.run(march, 60);
    job.run(april, 60);
    List<Row> before = warehouse.read("features").orderBy(SYMBOL, AS_OF).collectAsList();
    assertEquals(2 * 20, before.size());

    FeaturesJob.Result again = job.run(march, 60);
    assertEquals(20, again.rows());
    List<Row> after = warehouse.read("features").orderBy(SYMBOL, AS_OF).collectAsList();
    assertEquals(before, after);

    // One instant off the daily grid adds its rows and leaves the ranges alone.
    job.run(List.of(Instant.parse("2024-04-20T06:30:00Z")), 60);
    assertEquals(42, warehouse.read("features").count());

    // The same features computed over the whole tables: the job's history slice was enough.
    List<Instant> all = new ArrayList<>(march);
    all.addAll(april);
    all.add(Instant.parse("2024-04-20T06:30:00Z"));
    Dataset<Row> asOfs =
        spark.createDataFrame(
            all.stream().map(t -> RowFactory.create(Timestamp.from(t))).toList(),
            new StructType().add(AS_OF, DataTypes.TimestampType));
    Dataset<Row> full =
        Features.compute(warehouse.read("prices"), warehouse.read("events"), asOfs, 60, 2 * 86_400);
    Dataset<Row> stored = warehouse.read("features").drop(AS_OF_MONTH);
    // Delta reads every column as nullable: compare values under the table's schema.
    TestSpark.assertSameRows(spark.createDataFrame(full.javaRDD(), stored.schema()), stored);
    assertTrue(
        warehouse
            .read("features")
            .filter("price_r_30d IS NULL OR event_ai_share_7d IS NULL")
            .isEmpty(),
        "with 2 months of 4h history every as-of has its 30-day return and event share");
  }
}
