package dev.forecaster.nightly;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.forecast.ForecastJob;
import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import dev.forecaster.ingest.IngestJob;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.monitor.MonitorJob;
import dev.forecaster.monitor.Outcomes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A feed outage, then the monitor a month later and beyond the data (issue 12's reproduction). */
class MonitorAfterOutageTest {
  @TempDir static Path tmp;

  /**
   * The issue's reproduction: two symbols, 200 daily candles, BTC-USD's candles of 4 consecutive
   * days removed, forecasts for the days of the hole, then monitor a month later (which failed on a
   * NOT NULL realised_return and wedged every later night), and a monitor at an as-of beyond the
   * data (which matured outcomes at T instead of at the latest candle close).
   */
  @Test
  void aMonthAfterAnOutageTheMonitorScoresWhatItCanAndNeverMaturesPastTheData() throws Exception {
    SparkSession spark = TestSpark.session();
    Path generated = tmp.resolve("outage/generated");
    new SyntheticMarket(
            new MarketSpec(
                List.of("BTC-USD", "ETH-USD"),
                MarketSpec.DEFAULT_START,
                200,
                86_400,
                3,
                0.5,
                0.0,
                0.3,
                0.2,
                0.15))
        .write(generated, x -> {});
    // 2024-05-01 .. 05-04 (opens) removed: nothing closes in (05-01, 05-05].
    Path btc = generated.resolve("prices/BTC-USD.csv");
    List<String> kept =
        Files.readAllLines(btc).stream().filter(l -> !l.matches("2024-05-0[1-4].*")).toList();
    assertEquals(4, Files.readAllLines(btc).size() - kept.size());
    Files.write(btc, kept);
    ForecasterConfig config =
        ConfigLoader.load(
            null,
            Map.of(
                "warehouse", tmp.resolve("outage/warehouse").toString(),
                "horizons-minutes", List.of(1440, 10080)));
    new IngestJob(spark, config, Clock.systemUTC())
        .run(
            new IngestJob.Request(
                Optional.of(generated.resolve("prices").toString()),
                Optional.of(generated.resolve("events").toString()),
                OptionalLong.empty()));
    List<Instant> hole = new ArrayList<>();
    for (int d = 1; d <= 6; d++) {
      hole.add(Instant.parse("2024-05-01T00:00:00Z").plus(Duration.ofDays(d)));
    }
    new ForecastJob(spark, config).run(hole);
    Warehouse warehouse = new Warehouse(spark, config);

    // The data ends at 2024-07-19 (200 days): T = 2024-08-01 is past it, so the latest candle
    // close x = 07-19 bounds what matures; T = 06-01 is within it.
    Instant dataEnd = Instant.parse("2024-07-19T00:00:00Z");
    MonitorJob.Result month =
        new MonitorJob(spark, config).run(Instant.parse("2024-06-01T00:00:00Z"));
    assertEquals(
        hole.size() * 2 * 2, month.maturedForecasts(), "every forecast of the hole is final");
    Map<String, String> reasons = new TreeMap<>();
    for (Row r :
        warehouse
            .read(Tables.FORECAST_OUTCOMES)
            .filter(col(HORIZON_MINUTES).equalTo(1440))
            .select(SYMBOL, AS_OF, UNSCORABLE_REASON)
            .collectAsList()) {
      reasons.put(
          r.getString(0) + "@" + r.getTimestamp(1).toInstant().toString().substring(5, 10),
          String.valueOf(r.getString(2)));
    }
    // BTC-USD, 1d: P*(05-02) = the 05-01 close (within S); P*(05-03) none: a hole at t + h.
    // 05-03, 05-04: stale at the as-of. 05-05: P*(05-05) none (last close 05-01): stale.
    // 05-06: P*(05-06) = the 05-06 close (open 05-05), P*(05-07) known: scored.
    assertEquals(
        Map.of(
            "BTC-USD@05-02", Outcomes.NO_PRICE_AT_HORIZON,
            "BTC-USD@05-03", Outcomes.STALE_PRICE_AT_AS_OF,
            "BTC-USD@05-04", Outcomes.STALE_PRICE_AT_AS_OF,
            "BTC-USD@05-05", Outcomes.STALE_PRICE_AT_AS_OF,
            "BTC-USD@05-06", "null",
            "BTC-USD@05-07", "null"),
        new TreeMap<>(
            Map.ofEntries(
                reasons.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("BTC"))
                    .toArray(Map.Entry[]::new))));
    assertTrue(
        reasons.entrySet().stream()
            .filter(e -> e.getKey().startsWith("ETH"))
            .allMatch(e -> e.getValue().equals("null")),
        reasons.toString());

    // Later nights are not blocked, and nothing matures past the data: forecasts at 07-15 .. 07-18
    // (1d: t + h <= 07-19 matures; 7d: t + h > 07-19 does not).
    List<Instant> late = new ArrayList<>();
    for (int d = 15; d <= 18; d++) {
      late.add(Instant.parse("2024-07-01T00:00:00Z").plus(Duration.ofDays(d - 1)));
    }
    new ForecastJob(spark, config).run(late);
    MonitorJob.Result after =
        new MonitorJob(spark, config).run(Instant.parse("2024-08-01T00:00:00Z"));
    assertEquals(
        4 * 2, after.maturedForecasts(), "the 1d forecasts of 07-15 .. 07-18, both symbols");
    assertEquals(
        0,
        warehouse
            .read(Tables.FORECAST_OUTCOMES)
            .filter(col(MATURED_AT).gt(Timestamp.from(dataEnd)))
            .count());
  }
}
