package dev.forecaster.golden;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.schema.Columns;
import dev.forecaster.schema.Schemas;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * The golden {@code forecasts} table the reader's tests read: a small, hand-readable Delta table
 * with several versions, written the way the jobs write (a first write, then MERGEs on the key).
 *
 * <p>Normally this test regenerates the table into a temporary folder and checks that the
 * checked-in copy under {@code reader/src/test/resources/golden/forecasts} holds the same rows at
 * every version and the schema of {@link Schemas#FORECASTS}, so the golden table cannot drift from
 * the contract. {@code mvn -pl jobs test -Dtest=GoldenForecastsTableTest -Dgolden.regenerate=true}
 * rewrites the checked-in copy.
 *
 * <p>Versions:
 *
 * <ol start="0">
 *   <li>create, night 2025-11-30 (BTC-USD, ETH-USD; run golden-2025-11-30)
 *   <li>MERGE night 2025-12-11 (XMR-USD appears; run golden-2025-12-11)
 *   <li>MERGE night 2025-12-12 (run golden-2025-12-12)
 *   <li>MERGE re-scoring night 2025-12-11's 1-day rows (run golden-2025-12-11-rerun): replaced rows
 *       of a data file that keeps its other rows, so the table has a deletion vector
 * </ol>
 *
 * <p>Every night has horizons 1440 (ML, ml_forecaster_1d_rf v2), 10080 (ML, ml_forecaster_7d_rf v3)
 * and 43200 (naive: no promoted 30-day model) at lookback 60, plus BTC-USD 10080 at lookback 90.
 * XMR-USD 43200 on 2025-12-11 has no forecast at all (too little history), so its forecast fields
 * and its regime are null. Features hold one null value (event_hours_since_last_event of XMR-USD:
 * no news).
 */
class GoldenForecastsTableTest {
  static final String NIGHT_1 = "2025-11-30T00:00:00Z";
  static final String NIGHT_2 = "2025-12-11T00:00:00Z";
  static final String NIGHT_3 = "2025-12-12T00:00:00Z";

  private static final String CHECKED_IN = "reader/src/test/resources/golden/forecasts";

  @Test
  void checkedInGoldenTableMatchesTheGenerator(@TempDir Path tmp) throws IOException {
    Path checkedIn = projectRoot().resolve(CHECKED_IN);
    if (Boolean.getBoolean("golden.regenerate")) {
      deleteRecursively(checkedIn);
      write(checkedIn);
      System.err.println("golden forecasts table rewritten at " + checkedIn);
    }
    assertTrue(
        Files.isDirectory(checkedIn.resolve("_delta_log")),
        "no golden table at "
            + checkedIn
            + "; write it with: mvn -pl jobs test -Dtest=GoldenForecastsTableTest"
            + " -Dgolden.regenerate=true");

    Path fresh = tmp.resolve("forecasts");
    write(fresh);

    SparkSession spark = TestSpark.session();
    long versions = DeltaTable.forPath(spark, fresh.toString()).history(1).first().getAs("version");
    assertEquals(3, versions);
    for (long v = 0; v <= versions; v++) {
      Dataset<Row> expected = readVersion(fresh, v);
      Dataset<Row> actual = readVersion(checkedIn, v);
      assertEquals(expected.count(), actual.count(), "rows at version " + v);
      TestSpark.assertSameRows(expected, actual);
    }
    Dataset<Row> latest = spark.read().format("delta").load(checkedIn.toString());
    assertEquals(names(Schemas.FORECASTS.fields()), names(latest.schema().fields()));
    for (StructField field : Schemas.FORECASTS.fields()) {
      assertEquals(
          field.dataType(), latest.schema().apply(field.name()).dataType(), field.name() + " type");
    }
    assertEquals(27, latest.count());
    assertEquals(3, latest.select(Columns.AS_OF).distinct().count());

    // Relocatable: the log names data files relative to the table, never by absolute path.
    try (Stream<Path> logs = Files.list(checkedIn.resolve("_delta_log"))) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".json")).toList()) {
        String text = Files.readString(log);
        assertFalse(text.contains("\"path\":\"file:"), log + " names an absolute path");
        assertFalse(text.contains("\"path\":\"/"), log + " names an absolute path");
      }
    }
    // The re-scoring MERGE left a deletion vector: the reader must apply it, not list files.
    assertTrue(
        Files.readString(checkedIn.resolve("_delta_log/00000000000000000003.json"))
            .contains("\"deletionVector\":{"),
        "version 3 should mark replaced rows with a deletion vector");
  }

  /** One version of a table, its features map as sorted entries (maps cannot be compared). */
  private static Dataset<Row> readVersion(Path table, long version) {
    Dataset<Row> rows =
        TestSpark.session()
            .read()
            .format("delta")
            .option("versionAsOf", version)
            .load(table.toString());
    return rows.withColumn(
        Columns.FEATURES_MAP, array_sort(map_entries(col(Columns.FEATURES_MAP))));
  }

  /** Writes the four versions of the golden table at {@code path}. */
  static void write(Path path) {
    SparkSession spark = TestSpark.session();
    String location = path.toString();
    // New tables of this session get deletion vectors, so MERGEs mark replaced rows with them.
    String dvDefault = "spark.databricks.delta.properties.defaults.enableDeletionVectors";
    spark.conf().set(dvDefault, "true");
    try {
      frame(spark, night1())
          .coalesce(1)
          .write()
          .format("delta")
          .partitionBy(Columns.AS_OF_MONTH)
          .save(location);
    } finally {
      spark.conf().unset(dvDefault);
    }
    merge(spark, location, night2("golden-2025-12-11", false));
    merge(spark, location, night3());
    merge(spark, location, rescoredNight2OneDay());
    try (Stream<Path> files = Files.walk(path)) {
      // Hadoop's local checksum files (.name.crc) are not part of the table.
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith(".")).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void merge(SparkSession spark, String location, List<Row> rows) {
    DeltaTable.forPath(spark, location)
        .as("t")
        .merge(
            frame(spark, rows).coalesce(1).as("s"),
            "t.as_of = s.as_of AND t.symbol = s.symbol AND t.horizon_minutes = s.horizon_minutes"
                + " AND t.lookback_days = s.lookback_days")
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  private static Dataset<Row> frame(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, Schemas.FORECASTS);
  }

  static List<Row> night1() {
    String run = "golden-2025-11-30";
    String created = "2025-11-30T06:00:00Z";
    Map<String, Double> btc = features(0.031, 0.021, 14.0, 5.0);
    Map<String, Double> eth = features(-0.012, 0.034, 9.0, 11.0);
    List<Row> rows = new ArrayList<>();
    rows.add(
        ml(
            NIGHT_1, "BTC-USD", 1440, 60, 0.0041, "up", 0.61, 0.61, 60, "v2", "uptrend", 0.072, btc,
            run, created));
    rows.add(
        ml(
            NIGHT_1, "BTC-USD", 10080, 60, 0.0188, "up", 0.74, 0.74, 60, "v3", "uptrend", 0.072,
            btc, run, created));
    rows.add(
        ml(
            NIGHT_1, "BTC-USD", 10080, 90, 0.0152, "up", 0.69, 0.69, 90, "v3", "uptrend", 0.061,
            btc, run, created));
    rows.add(
        naive(
            NIGHT_1, "BTC-USD", 43200, 60, 0.0312, "up", 0.58, 60, "uptrend", 0.072, btc, run,
            created));
    rows.add(
        ml(
            NIGHT_1, "ETH-USD", 1440, 60, -0.0023, "down", 0.55, 0.45, 60, "v2", "chop", -0.021,
            eth, run, created));
    rows.add(
        ml(
            NIGHT_1, "ETH-USD", 10080, 60, -0.0107, "down", 0.66, 0.34, 60, "v3", "chop", -0.021,
            eth, run, created));
    rows.add(
        naive(
            NIGHT_1, "ETH-USD", 43200, 60, -0.0244, "down", 0.53, 60, "chop", -0.021, eth, run,
            created));
    return rows;
  }

  static List<Row> night2(String run, boolean oneDayOnly) {
    String created = oneDayOnly ? "2025-12-11T09:30:00Z" : "2025-12-11T06:00:00Z";
    Map<String, Double> btc = features(0.044, 0.019, 12.0, 3.0);
    Map<String, Double> eth = features(0.006, 0.029, 7.0, 20.0);
    Map<String, Double> xmr = features(-0.051, 0.047, 1.0, null);
    List<Row> rows = new ArrayList<>();
    if (oneDayOnly) {
      rows.add(
          ml(
              NIGHT_2, "BTC-USD", 1440, 60, 0.0052, "up", 0.64, 0.64, 60, "v2", "uptrend", 0.081,
              btc, run, created));
      rows.add(
          ml(
              NIGHT_2, "ETH-USD", 1440, 60, 0.0009, "up", 0.52, 0.52, 60, "v2", "chop", 0.004, eth,
              run, created));
      rows.add(
          ml(
              NIGHT_2,
              "XMR-USD",
              1440,
              60,
              -0.0061,
              "down",
              0.57,
              0.43,
              12,
              "v2",
              "downtrend",
              -0.093,
              xmr,
              run,
              created));
      return rows;
    }
    rows.add(
        ml(
            NIGHT_2, "BTC-USD", 1440, 60, 0.0047, "up", 0.63, 0.63, 60, "v2", "uptrend", 0.081, btc,
            run, created));
    rows.add(
        ml(
            NIGHT_2, "BTC-USD", 10080, 60, 0.0201, "up", 0.77, 0.77, 60, "v3", "uptrend", 0.081,
            btc, run, created));
    rows.add(
        ml(
            NIGHT_2, "BTC-USD", 10080, 90, 0.0169, "up", 0.71, 0.71, 90, "v3", "uptrend", 0.066,
            btc, run, created));
    rows.add(
        naive(
            NIGHT_2, "BTC-USD", 43200, 60, 0.0355, "up", 0.6, 60, "uptrend", 0.081, btc, run,
            created));
    rows.add(
        ml(
            NIGHT_2, "ETH-USD", 1440, 60, -0.0008, "down", 0.51, 0.49, 60, "v2", "chop", 0.004, eth,
            run, created));
    rows.add(
        ml(
            NIGHT_2, "ETH-USD", 10080, 60, 0.0034, "up", 0.56, 0.56, 60, "v3", "chop", 0.004, eth,
            run, created));
    rows.add(
        naive(
            NIGHT_2, "ETH-USD", 43200, 60, 0.0071, "up", 0.5, 60, "chop", 0.004, eth, run,
            created));
    rows.add(
        ml(
            NIGHT_2,
            "XMR-USD",
            1440,
            60,
            -0.0058,
            "down",
            0.58,
            0.42,
            12,
            "v2",
            "downtrend",
            -0.093,
            xmr,
            run,
            created));
    rows.add(
        ml(
            NIGHT_2,
            "XMR-USD",
            10080,
            60,
            -0.0213,
            "down",
            0.62,
            0.38,
            12,
            "v3",
            "downtrend",
            -0.093,
            xmr,
            run,
            created));
    rows.add(
        row(
            NIGHT_2,
            "XMR-USD",
            43200,
            60,
            null,
            null,
            null,
            null,
            12L,
            "naive",
            "naive_baseline",
            null,
            null,
            null,
            xmr,
            "only 12 of 60 days of history (the naive baseline needs 30)",
            run,
            created));
    return rows;
  }

  static List<Row> rescoredNight2OneDay() {
    return night2("golden-2025-12-11-rerun", true);
  }

  static List<Row> night3() {
    String run = "golden-2025-12-12";
    String created = "2025-12-12T06:00:00Z";
    Map<String, Double> btc = features(0.039, 0.018, 13.0, 2.0);
    Map<String, Double> eth = features(0.011, 0.027, 8.0, 6.0);
    Map<String, Double> xmr = features(-0.043, 0.045, 2.0, null);
    List<Row> rows = new ArrayList<>();
    rows.add(
        ml(
            NIGHT_3, "BTC-USD", 1440, 60, 0.0038, "up", 0.6, 0.6, 60, "v2", "chop", 0.016, btc, run,
            created));
    rows.add(
        ml(
            NIGHT_3, "BTC-USD", 10080, 60, 0.0235, "up", 0.82, 0.82, 50, "v3", "chop", 0.016, btc,
            run, created));
    rows.add(
        ml(
            NIGHT_3, "BTC-USD", 10080, 90, 0.0174, "up", 0.72, 0.72, 80, "v3", "uptrend", 0.055,
            btc, run, created));
    rows.add(
        naive(
            NIGHT_3, "BTC-USD", 43200, 60, 0.0298, "up", 0.57, 60, "chop", 0.016, btc, run,
            created));
    rows.add(
        ml(
            NIGHT_3, "ETH-USD", 1440, 60, 0.0015, "up", 0.53, 0.53, 60, "v2", null, null, eth, run,
            created));
    rows.add(
        ml(
            NIGHT_3, "ETH-USD", 10080, 60, 0.0062, "up", 0.59, 0.59, 60, "v3", "chop", 0.012, eth,
            run, created));
    rows.add(
        naive(
            NIGHT_3, "ETH-USD", 43200, 60, 0.0093, "up", 0.51, 60, "chop", 0.012, eth, run,
            created));
    rows.add(
        ml(
            NIGHT_3,
            "XMR-USD",
            1440,
            60,
            -0.0049,
            "down",
            0.56,
            0.44,
            13,
            "v2",
            "downtrend",
            -0.088,
            xmr,
            run,
            created));
    rows.add(
        ml(
            NIGHT_3,
            "XMR-USD",
            10080,
            60,
            -0.0187,
            "down",
            0.6,
            0.4,
            13,
            "v3",
            "downtrend",
            -0.088,
            xmr,
            run,
            created));
    rows.add(
        row(
            NIGHT_3,
            "XMR-USD",
            43200,
            60,
            null,
            null,
            null,
            null,
            13L,
            "naive",
            "naive_baseline",
            null,
            null,
            null,
            xmr,
            "only 13 of 60 days of history (the naive baseline needs 30)",
            run,
            created));
    return rows;
  }

  private static Map<String, Double> features(
      double r7d, double vol7d, double eventCount7d, Double hoursSinceLastEvent) {
    Map<String, Double> f = new LinkedHashMap<>();
    f.put(Columns.PRICE_R_7D, r7d);
    f.put(Columns.PRICE_VOL_7D, vol7d);
    f.put(Columns.EVENT_COUNT_7D, eventCount7d);
    f.put(Columns.EVENT_HOURS_SINCE_LAST_EVENT, hoursSinceLastEvent);
    return f;
  }

  private static Row ml(
      String asOf,
      String symbol,
      int horizon,
      int lookback,
      double expectedReturn,
      String direction,
      double confidence,
      double pUp,
      long nPoints,
      String version,
      String regime,
      Double regimeScore,
      Map<String, Double> features,
      String run,
      String created) {
    String name =
        switch (horizon) {
          case 1440 -> "ml_forecaster_1d_rf";
          case 10080 -> "ml_forecaster_7d_rf";
          default -> "ml_forecaster_30d_rf";
        };
    return row(
        asOf,
        symbol,
        horizon,
        lookback,
        expectedReturn,
        direction,
        confidence,
        pUp,
        nPoints,
        "ml",
        name,
        version,
        regime,
        regimeScore,
        features,
        null,
        run,
        created);
  }

  private static Row naive(
      String asOf,
      String symbol,
      int horizon,
      int lookback,
      double expectedReturn,
      String direction,
      double confidence,
      long nPoints,
      String regime,
      Double regimeScore,
      Map<String, Double> features,
      String run,
      String created) {
    return row(
        asOf,
        symbol,
        horizon,
        lookback,
        expectedReturn,
        direction,
        confidence,
        null,
        nPoints,
        "naive",
        "naive_baseline",
        null,
        regime,
        regimeScore,
        features,
        "no promoted model for horizon 43200",
        run,
        created);
  }

  private static Row row(
      String asOf,
      String symbol,
      int horizon,
      int lookback,
      Double expectedReturn,
      String direction,
      Double confidence,
      Double pUp,
      Long nPoints,
      String modelType,
      String modelName,
      String modelVersion,
      String regime,
      Double regimeScore,
      Map<String, Double> features,
      String fallbackReason,
      String run,
      String created) {
    return RowFactory.create(
        Timestamp.from(Instant.parse(asOf)),
        symbol,
        horizon,
        lookback,
        expectedReturn,
        direction,
        confidence,
        pUp,
        nPoints,
        modelType,
        modelName,
        modelVersion,
        regime,
        regimeScore,
        JavaConverters.mapAsScalaMap(features),
        fallbackReason,
        run,
        Timestamp.from(Instant.parse(created)),
        asOf.substring(0, 7));
  }

  private static List<String> names(StructField[] fields) {
    return Arrays.stream(fields).map(StructField::name).toList();
  }

  private static Path projectRoot() {
    Path jobs = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    return jobs.toAbsolutePath().getParent();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
