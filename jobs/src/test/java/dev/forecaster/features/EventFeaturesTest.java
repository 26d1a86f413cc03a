package dev.forecaster.features;

import static dev.forecaster.schema.Columns.IS_AI;
import static dev.forecaster.schema.Columns.SOURCE;
import static dev.forecaster.schema.Columns.SYMBOL;
import static dev.forecaster.schema.Columns.SYMBOLS;
import static dev.forecaster.schema.Columns.TS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The event features of a grid whose as-ofs share a time of day, counted once per symbol and day,
 * against the general path that joins every as-of with the events of its week: named and
 * market-wide events, ten days without any, events exactly at t, t - 1 d, t - 7 d and t - L d,
 * sub-second times, null sources and flags, a symbol no event names, contiguous and sparse grids,
 * lookbacks 3 and 60.
 */
class EventFeaturesTest {
  private static final long DAY = 86_400L;
  private static final long START = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond();
  private static final List<String> SYMBOLS_OF_GRID = List.of("AAA-USD", "BBB-USD", "CCC-USD");

  @Test
  void dailyBucketsGiveTheFeaturesOfTheWeekJoin() {
    Random random = new Random(20261201);
    List<Row> events = new ArrayList<>();
    List<List<String>> lists =
        List.of(List.of("AAA-USD"), List.of("BBB-USD"), List.of("AAA-USD", "BBB-USD"), List.of());
    String[] sources = {"src01", "src02", "src03", null};
    Boolean[] flags = {true, false, null};
    for (int i = 0; i < 900; i++) {
      double day = random.nextDouble() * 100;
      if (day >= 40 && day < 50) {
        continue; // ten quiet days: windows with no event, and the latest one just outside
      }
      long micros = (START + (long) (day * DAY)) * 1_000_000L + random.nextInt(1_000_000);
      events.add(event(micros, lists, sources, flags, random));
    }
    long sixHours = 6 * 3_600L;
    // Events exactly on the window edges of the as-ofs below (both times of day).
    for (long edge : List.of(0L, DAY, 3 * DAY, 7 * DAY, 60 * DAY)) {
      for (long asOf : List.of(START + 70 * DAY, START + 71 * DAY + sixHours)) {
        events.add(event((asOf - edge) * 1_000_000L, lists, sources, flags, random));
      }
    }
    Dataset<Row> table =
        TestSpark.session()
            .createDataFrame(
                events,
                new StructType()
                    .add(TS, DataTypes.TimestampType)
                    .add(SOURCE, DataTypes.StringType)
                    .add(SYMBOLS, DataTypes.createArrayType(DataTypes.StringType))
                    .add(IS_AI, DataTypes.BooleanType));
    List<Long> contiguous = new ArrayList<>();
    for (long t = START + 10 * DAY; t <= START + 100 * DAY; t += DAY) {
      contiguous.add(t);
    }
    List<Long> sparse =
        List.of(
            START + 2 * DAY + sixHours, START + 71 * DAY + sixHours, START + 99 * DAY + sixHours);
    for (List<Long> asOfs : List.of(contiguous, sparse)) {
      List<Row> cells = new ArrayList<>();
      SYMBOLS_OF_GRID.forEach(s -> asOfs.forEach(t -> cells.add(RowFactory.create(s, t))));
      Dataset<Row> grid =
          TestSpark.session()
              .createDataFrame(
                  cells,
                  new StructType()
                      .add(SYMBOL, DataTypes.StringType)
                      .add(PriceFeatures.T0, DataTypes.LongType));
      long residue = Math.floorMod(asOfs.get(0), DAY);
      for (int lookback : List.of(3, 60)) {
        Dataset<Row> general = EventFeatures.compute(table, grid, lookback, OptionalLong.empty());
        Dataset<Row> buckets =
            EventFeatures.compute(table, grid, lookback, OptionalLong.of(residue));
        assertEquals(3L * asOfs.size(), general.count());
        assertTrue(general.filter("event_distinct_sources_7d > 1").count() > 0);
        assertTrue(general.filter("event_hours_since_last_event < " + lookback * 24).count() > 0);
        if (asOfs == contiguous) {
          assertTrue(general.filter("event_count_7d = 0").count() > 0, "the quiet days");
        }
        TestSpark.assertSameRows(general, buckets);
      }
    }
  }

  private static Row event(
      long micros, List<List<String>> lists, String[] sources, Boolean[] flags, Random random) {
    Timestamp ts = Timestamp.from(Instant.EPOCH.plusNanos(micros * 1_000L));
    return RowFactory.create(
        ts,
        sources[random.nextInt(sources.length)],
        lists.get(random.nextInt(lists.size())).toArray(String[]::new),
        flags[random.nextInt(flags.length)]);
  }
}
