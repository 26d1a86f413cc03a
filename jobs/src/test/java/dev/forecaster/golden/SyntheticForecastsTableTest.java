package dev.forecaster.golden;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import dev.forecaster.TestSpark;
import dev.forecaster.schema.Columns;
import dev.forecaster.schema.Schemas;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Writes a realistic-size {@code forecasts} table for the reader benchmark (bench/reader.sh), only
 * when asked: {@code -Dbench.forecasts.out=DIR [-Dbench.forecasts.symbols=3]
 * [-Dbench.forecasts.days=730]}. Every symbol x horizon (1440, 10080, 43200) x daily as-of from
 * 2024-01-01 at lookback 60, with the 17 features; written as a backfill and then three nightly
 * MERGEs, so the table has several versions like the real one. Values are seeded noise.
 */
class SyntheticForecastsTableTest {
  @Test
  void writeSyntheticForecastsTable() {
    String out = System.getProperty("bench.forecasts.out");
    Assumptions.assumeTrue(
        out != null && !out.isBlank(),
        "writes the benchmark table only with -Dbench.forecasts.out");
    int symbols = Integer.getInteger("bench.forecasts.symbols", 3);
    int days = Integer.getInteger("bench.forecasts.days", 730);
    SparkSession spark = TestSpark.session();
    Dataset<Row> all = forecasts(spark, symbols, days).cache();
    int nightly = Math.min(3, days - 1);
    // One file per month (a backfill), or one per night (-Dbench.forecasts.file-per-night=true:
    // what nightly MERGEs leave before any OPTIMIZE).
    boolean perNight = Boolean.getBoolean("bench.forecasts.file-per-night");
    all.where(col("day").lt(days - nightly))
        .drop("day")
        .repartition(perNight ? days : 1, col(perNight ? Columns.AS_OF : Columns.AS_OF_MONTH))
        .write()
        .format("delta")
        .partitionBy(Columns.AS_OF_MONTH)
        .save(out);
    for (int d = days - nightly; d < days; d++) {
      DeltaTable.forPath(spark, out)
          .as("t")
          .merge(
              all.where(col("day").equalTo(d)).drop("day").coalesce(1).as("s"),
              "t.as_of = s.as_of AND t.symbol = s.symbol AND t.horizon_minutes = s.horizon_minutes"
                  + " AND t.lookback_days = s.lookback_days")
          .whenMatched()
          .updateAll()
          .whenNotMatched()
          .insertAll()
          .execute();
    }
    System.err.printf(
        "wrote %d forecasts (%d symbols x 3 horizons x %d as-ofs) to %s%n",
        all.count(), symbols, days, out);
    all.unpersist();
  }

  private static Dataset<Row> forecasts(SparkSession spark, int symbolCount, int days) {
    List<String> symbols =
        symbolCount == 3
            ? List.of("BTC-USD", "ETH-USD", "XMR-USD")
            : IntStream.rangeClosed(1, symbolCount)
                .mapToObj(i -> String.format("S%04d-USD", i))
                .toList();
    List<Column> names = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    for (int i = 0; i < Columns.FEATURES.size(); i++) {
      names.add(lit(Columns.FEATURES.get(i)));
      values.add(round(rand(100 + i).minus(0.5).multiply(0.2), 6));
    }
    Dataset<Row> nights =
        spark
            .range(days)
            .withColumnRenamed("id", "day")
            .crossJoin(spark.createDataset(symbols, Encoders.STRING()).toDF(Columns.SYMBOL))
            .withColumn(Columns.AS_OF, expr("timestamp_seconds(1704067200L + day * 86400L)"))
            .withColumn(
                Columns.FEATURES_MAP,
                map_from_arrays(
                    array(names.toArray(Column[]::new)), array(values.toArray(Column[]::new))))
            .withColumn(Columns.REGIME_SCORE, round(rand(7).minus(0.5).multiply(0.3), 4));
    Dataset<Row> rows =
        nights
            .crossJoin(spark.range(3).toDF("h"))
            .withColumn(
                Columns.HORIZON_MINUTES,
                expr("CAST(element_at(array(1440, 10080, 43200), CAST(h AS INT) + 1) AS INT)"))
            .withColumn(Columns.LOOKBACK_DAYS, lit(60))
            .withColumn(Columns.EXPECTED_RETURN, round(rand(11).minus(0.5).multiply(0.1), 4))
            .withColumn(
                Columns.DIRECTION,
                when(col(Columns.EXPECTED_RETURN).geq(0), Columns.UP).otherwise(Columns.DOWN))
            .withColumn(Columns.CONFIDENCE, round(rand(13).multiply(0.4).plus(0.5), 3))
            .withColumn(
                Columns.MODEL_TYPE,
                when(col(Columns.HORIZON_MINUTES).equalTo(43200), Columns.MODEL_TYPE_NAIVE)
                    .otherwise(Columns.MODEL_TYPE_ML))
            .withColumn(
                Columns.P_UP,
                when(
                    col(Columns.MODEL_TYPE).equalTo(Columns.MODEL_TYPE_ML),
                    when(col(Columns.DIRECTION).equalTo(Columns.UP), col(Columns.CONFIDENCE))
                        .otherwise(lit(1).minus(col(Columns.CONFIDENCE)))))
            .withColumn(Columns.N_POINTS, lit(60L))
            .withColumn(
                Columns.MODEL_NAME,
                expr(
                    "CASE horizon_minutes WHEN 1440 THEN 'ml_forecaster_1d_rf'"
                        + " WHEN 10080 THEN 'ml_forecaster_7d_rf' ELSE 'naive_baseline' END"))
            .withColumn(
                Columns.MODEL_VERSION,
                when(col(Columns.MODEL_TYPE).equalTo(Columns.MODEL_TYPE_ML), lit("v3")))
            .withColumn(
                Columns.REGIME,
                expr(
                    "CASE WHEN regime_score > 0.05 THEN 'uptrend' WHEN regime_score < -0.05 THEN"
                        + " 'downtrend' ELSE 'chop' END"))
            .withColumn(
                Columns.FALLBACK_REASON,
                when(
                    col(Columns.MODEL_TYPE).equalTo(Columns.MODEL_TYPE_NAIVE),
                    lit("no promoted model for horizon 43200")))
            .withColumn(
                Columns.RUN_ID,
                concat(lit("nightly-"), date_format(col(Columns.AS_OF), "yyyy-MM-dd")))
            .withColumn(Columns.CREATED_AT, expr("as_of + INTERVAL 6 HOURS"))
            .withColumn(Columns.AS_OF_MONTH, date_format(col(Columns.AS_OF), "yyyy-MM"));
    List<Column> columns = new ArrayList<>();
    columns.add(col("day"));
    for (StructField f : Schemas.FORECASTS.fields()) {
      columns.add(col(f.name()).cast(f.dataType()).as(f.name()));
    }
    return rows.select(columns.toArray(Column[]::new));
  }
}
