package dev.forecaster.forecast;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@link Forecasts#assemble} on hand-made feature, naive, regime and p_up rows: which of the model
 * and the naive baseline each row takes, its reason, and the ML arithmetic of FORECASTING.md
 * section 5, with expected values worked out by hand.
 */
class ForecastsTest {
  private static final Instant T = Instant.parse("2025-02-01T00:00:00Z");
  private static final Instant EARLIER = Instant.parse("2025-01-10T00:00:00Z");
  private static final Instant TRAINED = Instant.parse("2025-01-15T00:00:00Z");
  private static final Instant CREATED = Instant.parse("2025-02-01T03:00:00Z");
  private static final int H7 = 10_080;
  private static final double EPS = 1e-12;

  private static final RegistryEntry V3 =
      new RegistryEntry(
          "ml_forecaster_7d_rf",
          "v3",
          3,
          H7,
          60,
          RegistryEntry.PROMOTED,
          "file:/nowhere/pipeline",
          "file:/nowhere/metadata.json",
          "fp",
          TRAINED,
          TRAINED,
          "promoted");

  /** A stand-in for the loaded pipeline: assemble only needs to know there is one. */
  private static final PipelineModel LOADED = new PipelineModel("test", new Transformer[0]);

  private static final StructType FEATURES_SCHEMA = featuresSchema();

  private static StructType featuresSchema() {
    StructType s =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(AS_OF, DataTypes.TimestampType)
            .add(LOOKBACK_DAYS, DataTypes.IntegerType);
    for (String f : FEATURES) {
      boolean count = f.equals(PRICE_N_POINTS) || f.startsWith("event_count");
      s =
          s.add(
              f,
              count || f.equals(EVENT_DISTINCT_SOURCES_7D)
                  ? DataTypes.LongType
                  : DataTypes.DoubleType);
    }
    return s;
  }

  /** Feature row whose feature k (0-based, contract order) is k + 0.5, or k for counts. */
  private static Row featureRow(String symbol, Instant asOf, Double priceR7d) {
    List<Object> values = new ArrayList<>(List.of(symbol, Timestamp.from(asOf), 60));
    for (int k = 0; k < FEATURES.size(); k++) {
      String f = FEATURES.get(k);
      if (f.equals(PRICE_R_7D)) {
        values.add(priceR7d);
      } else if (FEATURES_SCHEMA.apply(f).dataType().equals(DataTypes.LongType)) {
        values.add((long) k);
      } else {
        values.add(k + 0.5);
      }
    }
    return RowFactory.create(values.toArray());
  }

  private static final StructType NAIVE_SCHEMA =
      new StructType()
          .add(SYMBOL, DataTypes.StringType)
          .add(AS_OF, DataTypes.TimestampType)
          .add(HORIZON_MINUTES, DataTypes.IntegerType)
          .add(LOOKBACK_DAYS, DataTypes.IntegerType)
          .add(NaiveBaseline.NAIVE_EXPECTED_RETURN, DataTypes.DoubleType)
          .add(NaiveBaseline.NAIVE_DIRECTION, DataTypes.StringType)
          .add(NaiveBaseline.NAIVE_CONFIDENCE, DataTypes.DoubleType)
          .add(NaiveBaseline.NAIVE_N_RETURNS, DataTypes.LongType)
          .add(NaiveBaseline.MEAN_ABS_RETURN, DataTypes.DoubleType)
          .add(NaiveBaseline.NAIVE_MISSING_REASON, DataTypes.StringType);

  private static final StructType REGIME_SCHEMA =
      new StructType()
          .add(SYMBOL, DataTypes.StringType)
          .add(AS_OF, DataTypes.TimestampType)
          .add(REGIME_SCORE, DataTypes.DoubleType)
          .add(REGIME, DataTypes.StringType);

  private static final StructType P_UP_SCHEMA =
      new StructType()
          .add(SYMBOL, DataTypes.StringType)
          .add(AS_OF, DataTypes.TimestampType)
          .add(LOOKBACK_DAYS, DataTypes.IntegerType)
          .add(P_UP, DataTypes.DoubleType);

  private static final String SHORT_HISTORY =
      "naive baseline needs at least 2 historical 10080-minute returns in the 60-day lookback,"
          + " found 1";

  private static Row naive(
      String symbol, Instant asOf, int h, Double er, String dir, Double conf, Double meanAbs) {
    return RowFactory.create(
        symbol,
        Timestamp.from(asOf),
        h,
        60,
        er,
        dir,
        conf,
        dir == null ? 1L : 10L,
        meanAbs,
        dir == null ? SHORT_HISTORY : null);
  }

  private final SparkSession spark = TestSpark.session();

  // A: complete features, p_up 0.7. B: price_r_7d null. C: p_up exactly 0.5, no naive forecast.
  private Dataset<Row> features() {
    return spark.createDataFrame(
        List.of(
            featureRow("A-USD", T, 0.02),
            featureRow("B-USD", T, null),
            featureRow("C-USD", T, -0.01),
            featureRow("A-USD", EARLIER, 0.03)),
        FEATURES_SCHEMA);
  }

  private Dataset<Row> naiveRows() {
    return spark.createDataFrame(
        List.of(
            naive("A-USD", T, H7, 0.01, UP, 0.6, 0.04),
            naive("B-USD", T, H7, -0.02, DOWN, 0.7, 0.05),
            naive("C-USD", T, H7, null, null, null, 0.03),
            naive("A-USD", EARLIER, H7, -0.005, DOWN, 0.55, 0.02),
            // Another horizon's rows must not leak into the 7d rows.
            naive("A-USD", T, 1440, 0.9, UP, 0.99, 0.9),
            naive("C-USD", T, 1440, 0.9, UP, 0.99, 0.9)),
        NAIVE_SCHEMA);
  }

  private Dataset<Row> regimes() {
    return spark.createDataFrame(
        List.of(
            RowFactory.create("A-USD", Timestamp.from(T), 0.1, "uptrend"),
            RowFactory.create("B-USD", Timestamp.from(T), null, null),
            RowFactory.create("C-USD", Timestamp.from(T), -0.2, "downtrend"),
            RowFactory.create("A-USD", Timestamp.from(EARLIER), 0.0, "chop")),
        REGIME_SCHEMA);
  }

  private Dataset<Row> pUp() {
    return spark.createDataFrame(
        List.of(
            RowFactory.create("A-USD", Timestamp.from(T), 60, 0.7),
            RowFactory.create("B-USD", Timestamp.from(T), 60, 0.3),
            RowFactory.create("C-USD", Timestamp.from(T), 60, 0.5),
            RowFactory.create("A-USD", Timestamp.from(EARLIER), 60, 0.9)),
        P_UP_SCHEMA);
  }

  private Map<String, Row> assemble(ModelChoice choice, boolean withPUp, int lookback) {
    Dataset<Row> out =
        Forecasts.assemble(
            features(),
            naiveRows(),
            regimes(),
            H7,
            lookback,
            choice,
            withPUp ? pUp() : null,
            "run-1",
            CREATED);
    assertEquals(
        Arrays.asList(Schemas.FORECASTS.fieldNames()), Arrays.asList(out.schema().fieldNames()));
    Map<String, Row> bySymbolAndAsOf = new HashMap<>();
    for (Row r : out.collectAsList()) {
      bySymbolAndAsOf.put(r.<String>getAs(SYMBOL) + "@" + r.<Timestamp>getAs(AS_OF).toInstant(), r);
    }
    assertEquals(4, bySymbolAndAsOf.size(), "one row per feature row");
    return bySymbolAndAsOf;
  }

  @Test
  void modelRowsFollowTheMlContractAndTheRestFallBackWithTheirReason() {
    Map<String, Row> rows = assemble(new ModelChoice(H7, V3, LOADED, TRAINED, null), true, 60);

    Row a = rows.get("A-USD@" + T);
    assertEquals(MODEL_TYPE_ML, a.getAs(MODEL_TYPE));
    assertEquals("ml_forecaster_7d_rf", a.getAs(MODEL_NAME));
    assertEquals("v3", a.getAs(MODEL_VERSION));
    assertEquals(0.7, a.<Double>getAs(P_UP), EPS);
    assertEquals(UP, a.getAs(DIRECTION));
    assertEquals(0.7, a.<Double>getAs(CONFIDENCE), EPS);
    // (2 * 0.7 - 1) * 0.04
    assertEquals(0.016, a.<Double>getAs(EXPECTED_RETURN), EPS);
    assertNull(a.getAs(FALLBACK_REASON));
    assertEquals("uptrend", a.getAs(REGIME));
    assertEquals(0.1, a.<Double>getAs(REGIME_SCORE), EPS);
    assertEquals(0L, a.<Long>getAs(N_POINTS), "n_points is price_n_points (feature 0 = 0)");
    assertEquals(60, a.<Integer>getAs(LOOKBACK_DAYS));
    assertEquals(H7, a.<Integer>getAs(HORIZON_MINUTES));
    assertEquals("run-1", a.getAs(RUN_ID));
    assertEquals(Timestamp.from(CREATED), a.getAs(CREATED_AT));
    assertEquals("2025-02", a.getAs(AS_OF_MONTH));
    scala.collection.Map<String, Object> map = a.getMap(a.fieldIndex(FEATURES_MAP));
    assertEquals(17, map.size());
    assertEquals(0.0, (Double) map.apply(PRICE_N_POINTS));
    assertEquals(0.02, (Double) map.apply(PRICE_R_7D));
    assertEquals(11.0, (Double) map.apply(EVENT_COUNT_1D));
    assertEquals(16.5, (Double) map.apply(EVENT_HOURS_SINCE_LAST_EVENT));

    // p_up exactly 0.5 is not up; the ML forecast stands although the naive one is missing.
    Row c = rows.get("C-USD@" + T);
    assertEquals(MODEL_TYPE_ML, c.getAs(MODEL_TYPE));
    assertEquals(DOWN, c.getAs(DIRECTION));
    assertEquals(0.5, c.<Double>getAs(CONFIDENCE), EPS);
    assertEquals(0.0, c.<Double>getAs(EXPECTED_RETURN), EPS);
    assertEquals("downtrend", c.getAs(REGIME));

    Row b = rows.get("B-USD@" + T);
    assertEquals(MODEL_TYPE_NAIVE, b.getAs(MODEL_TYPE));
    assertEquals(NAIVE_MODEL_NAME, b.getAs(MODEL_NAME));
    assertNull(b.getAs(MODEL_VERSION));
    assertNull(b.getAs(P_UP));
    assertEquals(DOWN, b.getAs(DIRECTION));
    assertEquals(-0.02, b.<Double>getAs(EXPECTED_RETURN), EPS);
    assertEquals(0.7, b.<Double>getAs(CONFIDENCE), EPS);
    assertEquals(
        "features incomplete for model ml_forecaster_7d_rf:v3: price_r_7d is null (stale or short"
            + " price history)",
        b.getAs(FALLBACK_REASON));
    assertTrue(b.getMap(b.fieldIndex(FEATURES_MAP)).contains(PRICE_R_7D));
    assertNull(b.getMap(b.fieldIndex(FEATURES_MAP)).apply(PRICE_R_7D));
    assertNull(b.getAs(REGIME));

    // Before the model's training as-of (a backfill), the naive baseline, even with a p_up.
    Row earlier = rows.get("A-USD@" + EARLIER);
    assertEquals(MODEL_TYPE_NAIVE, earlier.getAs(MODEL_TYPE));
    assertEquals(DOWN, earlier.getAs(DIRECTION));
    assertEquals(-0.005, earlier.<Double>getAs(EXPECTED_RETURN), EPS);
    assertNull(earlier.getAs(P_UP));
    assertEquals(
        "model ml_forecaster_7d_rf:v3 was trained on data known at 2025-01-15T00:00:00Z, after"
            + " this as-of",
        earlier.getAs(FALLBACK_REASON));
    assertEquals("2025-01", earlier.getAs(AS_OF_MONTH));
  }

  @Test
  void anEarlierVersionUsedAfterALoadFailureSaysSoOnItsRows() {
    String note = "model ml_forecaster_7d_rf:v4 failed to load: gone; using ml_forecaster_7d_rf:v3";
    Map<String, Row> rows = assemble(new ModelChoice(H7, V3, LOADED, TRAINED, note), true, 60);
    Row a = rows.get("A-USD@" + T);
    assertEquals(MODEL_TYPE_ML, a.getAs(MODEL_TYPE));
    assertEquals("v3", a.getAs(MODEL_VERSION));
    assertEquals(note, a.getAs(FALLBACK_REASON));
  }

  @Test
  void withoutAModelEveryRowIsNaiveAndSaysWhy() {
    Map<String, Row> rows = assemble(ModelChoice.naive(H7, "no promoted model for 7d"), false, 60);
    Row a = rows.get("A-USD@" + T);
    assertEquals(MODEL_TYPE_NAIVE, a.getAs(MODEL_TYPE));
    assertEquals(NAIVE_MODEL_NAME, a.getAs(MODEL_NAME));
    assertNull(a.getAs(MODEL_VERSION));
    assertNull(a.getAs(P_UP));
    assertEquals(UP, a.getAs(DIRECTION));
    assertEquals(0.01, a.<Double>getAs(EXPECTED_RETURN), EPS);
    assertEquals(0.6, a.<Double>getAs(CONFIDENCE), EPS);
    assertEquals("no promoted model for 7d", a.getAs(FALLBACK_REASON));

    // Naive impossible too: no direction, and both reasons.
    Row c = rows.get("C-USD@" + T);
    assertNull(c.getAs(DIRECTION));
    assertNull(c.getAs(EXPECTED_RETURN));
    assertNull(c.getAs(CONFIDENCE));
    assertEquals(MODEL_TYPE_NAIVE, c.getAs(MODEL_TYPE));
    assertEquals("no promoted model for 7d; " + SHORT_HISTORY, c.getAs(FALLBACK_REASON));
  }

  @Test
  void aModelOfAnotherLookbackIsNotUsed() {
    Map<String, Row> rows = assemble(new ModelChoice(H7, V3, LOADED, TRAINED, null), true, 30);
    for (Row r : rows.values()) {
      assertEquals(MODEL_TYPE_NAIVE, r.getAs(MODEL_TYPE));
      assertEquals(30, r.<Integer>getAs(LOOKBACK_DAYS));
      String reason = r.getAs(FALLBACK_REASON);
      assertTrue(
          reason.startsWith("model ml_forecaster_7d_rf:v3 was trained on lookback 60 d, not 30 d"),
          reason);
    }
  }
}
