package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Features over the real daily data of ../shared/data (skipped when absent). */
class FeaturesSharedDataTest {
  @Test
  void realDailyDataHasEveryRequiredValueAndReturnsMatchTheFiles() throws IOException {
    var data = TestSpark.sharedData();
    Assumptions.assumeTrue(
        data.isPresent(), "../shared/data is absent: real-data feature test skipped");
    Path daily = data.get().resolve("prices/daily");
    SparkSession spark = TestSpark.session();
    Map<String, Map<Instant, Double>> closes = new HashMap<>();
    List<Row> rows = new java.util.ArrayList<>();
    for (String symbol : List.of("BTC-USD", "ETH-USD")) {
      Map<Instant, Double> bySymbol = new HashMap<>();
      List<String> lines = Files.readAllLines(daily.resolve(symbol + ".csv"));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        Instant open = Instant.parse(f[0]);
        bySymbol.put(open, Double.parseDouble(f[4]));
        rows.add(
            RowFactory.create(symbol, Timestamp.from(open), 86_400L, Double.parseDouble(f[4])));
      }
      closes.put(symbol, bySymbol);
    }
    Dataset<Row> prices = spark.createDataFrame(rows, FeaturesTest.PRICES);
    Dataset<Row> events =
        spark
            .read()
            .option("header", "true")
            .option("escape", "\"")
            .csv(data.get().resolve("events/events.csv").toString())
            .selectExpr(
                "cast(timestamp as timestamp) AS ts",
                "source",
                "CASE WHEN symbols IS NULL THEN array() ELSE split(symbols, ';') END AS symbols",
                "cast(is_ai as boolean) AS is_ai");
    List<Instant> asOfs =
        List.of("2019-06-01", "2021-11-15", "2022-03-01", "2024-12-31").stream()
            .map(d -> Instant.parse(d + "T00:00:00Z"))
            .toList();
    Dataset<Row> grid =
        spark.createDataFrame(
            asOfs.stream().map(t -> RowFactory.create(Timestamp.from(t))).toList(),
            new StructType().add(AS_OF, DataTypes.TimestampType));
    List<Row> features = Features.compute(prices, events, grid, 60, 2 * 86_400).collectAsList();
    assertEquals(2 * asOfs.size(), features.size());
    for (Row r : features) {
      for (String f : FEATURES) {
        // both series are complete daily histories here: no feature may be null
        assertTrue(r.get(r.fieldIndex(f)) != null, f + " is null for " + r);
      }
      Instant t = r.getTimestamp(r.fieldIndex(AS_OF)).toInstant();
      Map<Instant, Double> c = closes.get(r.getString(0));
      // d_0 is the candle opened the day before t; d_7 the one opened 8 days before
      double direct7 = c.get(t.minusSeconds(86_400)) / c.get(t.minusSeconds(8 * 86_400)) - 1;
      double direct30 = c.get(t.minusSeconds(86_400)) / c.get(t.minusSeconds(31 * 86_400)) - 1;
      assertEquals(direct7, r.getDouble(r.fieldIndex(PRICE_R_7D)), 1e-12);
      assertEquals(direct30, r.getDouble(r.fieldIndex(PRICE_R_30D)), 1e-12);
      assertEquals(60L, r.getLong(r.fieldIndex(PRICE_N_POINTS)));
    }
  }
}
