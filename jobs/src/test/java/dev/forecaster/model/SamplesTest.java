package dev.forecaster.model;

import static dev.forecaster.schema.Columns.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Samples, the per-symbol chronological split and the purge of FORECASTING.md section 7 on a hand
 * fixture with a 3-day horizon (h = 4320 min) and the default train ratio 0.8.
 */
class SamplesTest {
  static final int H = 4_320;
  static final StructType KEYS =
      new StructType()
          .add(SYMBOL, DataTypes.StringType, false)
          .add(AS_OF, DataTypes.TimestampType, false);

  static Instant jan(int day) {
    return Instant.parse("2024-01-01T00:00:00Z").plus(Duration.ofDays(day - 1L));
  }

  static Row key(String symbol, int day) {
    return RowFactory.create(symbol, Timestamp.from(jan(day)));
  }

  /**
   * A: 10 samples on Jan 1..10; B: 5 samples on Jan 1, 3, 5, 7, 20; C: 3 samples on Jan 1..3. Rows
   * are given out of order: the split must sort them.
   */
  static Dataset<Row> fixture() {
    List<Row> rows = new ArrayList<>();
    for (int d = 10; d >= 1; d--) {
      rows.add(key("A", d));
    }
    for (int d : new int[] {20, 1, 7, 3, 5}) {
      rows.add(key("B", d));
    }
    for (int d = 3; d >= 1; d--) {
      rows.add(key("C", d));
    }
    return TestSpark.session().createDataFrame(rows, KEYS);
  }

  static Map<String, String> splitOf(Dataset<Row> split) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : split.collectAsList()) {
      out.put(
          r.getString(r.fieldIndex(SYMBOL))
              + " "
              + r.getTimestamp(r.fieldIndex(AS_OF)).toInstant().toString().substring(0, 10),
          r.getString(r.fieldIndex(Samples.SPLIT)));
    }
    return out;
  }

  static Map<String, String> expected(Object... keyAndSplit) {
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i < keyAndSplit.length; i += 2) {
      String[] k = ((String) keyAndSplit[i]).split(" ");
      out.put(
          k[0] + " " + jan(Integer.parseInt(k[1])).toString().substring(0, 10),
          (String) keyAndSplit[i + 1]);
    }
    return out;
  }

  @Test
  void eachSymbolSplitsOldestEightyPercentFirstAndThePurgeDropsLabelsReachingTheTest() {
    Map<String, String> actual = splitOf(Samples.split(fixture(), 0.8, true, H));
    // A: floor(10 · 0.8) = 8 train (Jan 1..8), test Jan 9..10. First test as-of Jan 9: keep train
    //    with t + 3 d <= Jan 9, i.e. t <= Jan 6 (Jan 6 + 3 d = Jan 9 exactly is kept); Jan 7, 8
    //    purged.
    // B: floor(5 · 0.8) = 4 train (Jan 1, 3, 5, 7), test Jan 20; Jan 7 + 3 d = Jan 10 <= Jan 20:
    //    nothing purged (B's own first test, not A's Jan 9, decides).
    // C: floor(3 · 0.8) = floor(2.4) = 2 train (Jan 1, 2), test Jan 3; Jan 1 + 3 d = Jan 4 > Jan 3:
    //    both purged.
    Map<String, String> want =
        expected(
            "A 1", "train", "A 2", "train", "A 3", "train", "A 4", "train", "A 5", "train", "A 6",
            "train", "A 7", "purged", "A 8", "purged", "A 9", "test", "A 10", "test", "B 1",
            "train", "B 3", "train", "B 5", "train", "B 7", "train", "B 20", "test", "C 1",
            "purged", "C 2", "purged", "C 3", "test");
    assertEquals(want, actual);
  }

  @Test
  void noTrainingLabelWindowReachesItsSymbolsFirstTestAsOf() {
    List<Row> rows = Samples.split(fixture(), 0.8, true, H).collectAsList();
    Map<String, Instant> firstTest = new TreeMap<>();
    for (Row r : rows) {
      if (Samples.TEST.equals(r.getAs(Samples.SPLIT))) {
        Instant t = r.<Timestamp>getAs(AS_OF).toInstant();
        firstTest.merge(r.getAs(SYMBOL), t, (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    assertEquals(Map.of("A", jan(9), "B", jan(20), "C", jan(3)), firstTest);
    long train = 0;
    for (Row r : rows) {
      if (Samples.TRAIN.equals(r.getAs(Samples.SPLIT))) {
        train++;
        Instant labelEnd = r.<Timestamp>getAs(AS_OF).toInstant().plus(Duration.ofMinutes(H));
        assertTrue(!labelEnd.isAfter(firstTest.get(r.<String>getAs(SYMBOL))), r::toString);
      }
    }
    assertEquals(10, train); // 6 of A + 4 of B
  }

  @Test
  void withoutThePurgeEveryOldSampleTrains() {
    Map<String, String> actual = splitOf(Samples.split(fixture(), 0.8, false, H));
    assertEquals("train", actual.get("A " + jan(7).toString().substring(0, 10)));
    assertEquals("train", actual.get("A " + jan(8).toString().substring(0, 10)));
    assertEquals("train", actual.get("C " + jan(1).toString().substring(0, 10)));
    assertEquals(0, actual.values().stream().filter("purged"::equals).count());
    assertEquals(8 + 4 + 2, actual.values().stream().filter("train"::equals).count());
  }

  @Test
  void samplesEndingBeforeAWindowKeepOnlyLabelsThatEndByItsStart() {
    // W = Jan 9, h = 3 d: keep t + 3 d <= Jan 9, i.e. t <= Jan 6
    List<Row> kept =
        Samples.endingBefore(fixture(), jan(9).getEpochSecond(), H)
            .orderBy(SYMBOL, AS_OF)
            .collectAsList();
    List<Row> want = new ArrayList<>();
    for (int d = 1; d <= 6; d++) {
      want.add(key("A", d));
    }
    for (int d : new int[] {1, 3, 5}) {
      want.add(key("B", d));
    }
    for (int d = 1; d <= 3; d++) {
      want.add(key("C", d));
    }
    assertEquals(want, kept);
  }

  @Test
  void aSampleNeedsAMaturedLabelOfItsHorizonAndASevenDayReturn() {
    var spark = TestSpark.session();
    StructType features =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(AS_OF, DataTypes.TimestampType)
            .add(PRICE_R_7D, DataTypes.DoubleType);
    StructType labels =
        new StructType()
            .add(SYMBOL, DataTypes.StringType)
            .add(AS_OF, DataTypes.TimestampType)
            .add(HORIZON_MINUTES, DataTypes.IntegerType)
            .add(FUTURE_RETURN, DataTypes.DoubleType)
            .add(DIRECTION, DataTypes.StringType)
            .add(MATURED, DataTypes.BooleanType);
    Dataset<Row> f =
        spark.createDataFrame(
            List.of(
                RowFactory.create("A", ts(1), 0.01),
                RowFactory.create("A", ts(2), null), // no 7-day return: not a sample
                RowFactory.create("A", ts(3), 0.0),
                RowFactory.create("A", ts(4), -0.01),
                RowFactory.create("A", ts(5), 0.02)), // no label at all
            features);
    Dataset<Row> l =
        spark.createDataFrame(
            List.of(
                RowFactory.create("A", ts(1), H, 0.02, UP, true),
                RowFactory.create("A", ts(2), H, 0.05, UP, true),
                RowFactory.create("A", ts(3), H, null, null, false), // not matured
                RowFactory.create("A", ts(4), H, -0.03, DOWN, true),
                RowFactory.create("A", ts(4), 1_440, 0.01, UP, true), // another horizon
                RowFactory.create("A", ts(5), 1_440, 0.01, UP, true)),
            labels);
    List<Row> samples =
        Samples.of(f, l, H)
            .select(SYMBOL, AS_OF, HORIZON_MINUTES, FUTURE_RETURN, Samples.LABEL)
            .orderBy(AS_OF)
            .collectAsList();
    assertEquals(
        List.of(
            RowFactory.create("A", ts(1), H, 0.02, 1.0),
            RowFactory.create("A", ts(4), H, -0.03, 0.0)),
        samples);
  }

  static Timestamp ts(int day) {
    return Timestamp.from(jan(day));
  }
}
