package dev.forecaster.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.backtest.Gate;
import dev.forecaster.backtest.SummaryLine;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.ingest.IngestJob;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.retrain.RetrainJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's news-led reversals are learnable through the production path (ingest, retrain:
 * train, backtest, gate), and the generator without signal or momentum gives a model nothing to
 * learn: small daily markets (3 symbols), forests of 20 trees of depth 5.
 */
class SignalLearnabilityTest {
  static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD", "XMR-USD");
  @TempDir Path tmp;

  @Test
  void withTheSignalTheSevenDayModelBeatsNaiveSignificantly() throws IOException {
    Run run = retrain(tmp.resolve("signal"), SYMBOLS, List.of(7L), 500, 0.5, 1.0, 10_080);
    SummaryLine overall = run.result().backtest().overall();
    double[] hac = hac(run, 10_080);
    System.out.printf(
        "signal 1: ml %.3f naive %.3f n %d mcnemar %.3g hac z %.2f p %.3g gate %s %s%n",
        overall.mlAccuracy(),
        overall.naiveAccuracy(),
        overall.n(),
        overall.mcnemarP(),
        hac[1],
        hac[2],
        run.result().backtest().gate().outcome(),
        run.result().backtest().gate().failures());
    assertTrue(overall.mlCorrect() > overall.naiveCorrect(), "ML is right more often than naive");
    assertTrue(overall.mcnemarP() < 0.01, "McNemar p " + overall.mcnemarP());
    assertTrue(hac[2] < 0.01, "HAC p " + hac[2]);
    assertEquals(Gate.Outcome.PASSED, run.result().backtest().gate().outcome());
  }

  @Test
  void withoutSignalOrMomentumNoModelBeatsHalfOnAnySeed() throws IOException {
    // Three seeds' markets in one warehouse, two symbols each: one model, and every symbol's
    // accuracy (1-day labels: non-overlapping pairs, so the exact binomial p is honest) is what
    // chance gives. A generator that leaked the future would show on the seed that leaks.
    Run run =
        retrain(
            tmp.resolve("null"), List.of("A-USD", "B-USD"), List.of(1L, 2L, 3L), 240, 0, 0, 1440);
    SummaryLine overall = run.result().backtest().overall();
    System.out.printf(
        "null: ml %.3f n %d binomial %.3g%n",
        overall.mlAccuracy(), overall.n(), overall.binomialP());
    assertEquals(6, run.result().backtest().bySymbol().size());
    assertTrue(overall.binomialP() > 0.01, "overall binomial p " + overall.binomialP());
    for (SummaryLine s : run.result().backtest().bySymbol()) {
      System.out.printf("  %s: ml %.3f binomial %.3g%n", s.symbol(), s.mlAccuracy(), s.binomialP());
      assertTrue(s.binomialP() > 0.01, s.symbol() + ": binomial p " + s.binomialP());
    }
  }

  record Run(ForecasterConfig config, RetrainJob.HorizonResult result) {}

  /** Markets of the seeds (with several, A-USD of seed 2 is renamed A2-USD) ingested at once. */
  static Run retrain(
      Path root,
      List<String> symbols,
      List<Long> seeds,
      int days,
      double momentum,
      double signal,
      int horizon)
      throws IOException {
    Path prices = Files.createDirectories(root.resolve("market/prices"));
    Path events = Files.createDirectories(root.resolve("market/events"));
    for (long seed : seeds) {
      Path market = root.resolve("seed" + seed);
      new SyntheticMarket(
              new MarketSpec(
                  symbols,
                  MarketSpec.DEFAULT_START,
                  days,
                  86_400,
                  seed,
                  momentum,
                  0.0,
                  0.6,
                  0.4,
                  0.15,
                  signal))
          .write(market, s -> {});
      String suffix = seeds.size() == 1 ? "" : Long.toString(seed);
      for (String symbol : symbols) {
        String renamed = symbol.replace("-USD", suffix + "-USD");
        Files.move(market.resolve("prices/" + symbol + ".csv"), prices.resolve(renamed + ".csv"));
      }
      List<String> lines = Files.readAllLines(market.resolve("events/events.csv"));
      List<String> renamed = new ArrayList<>();
      for (String line : lines) {
        renamed.add(seeds.size() == 1 ? line : line.replace("-USD", suffix + "-USD"));
      }
      Files.write(events.resolve("events-" + seed + ".csv"), renamed);
    }
    Map<String, Object> overrides = new TreeMap<>();
    overrides.put("warehouse", root.resolve("warehouse").toString());
    overrides.put("horizons-minutes", List.of(horizon));
    overrides.put("model.random-forest.num-trees", 20);
    overrides.put("model.random-forest.max-depth", 5);
    ForecasterConfig config = ConfigLoader.load(null, overrides);
    new IngestJob(
            TestSpark.session(),
            config,
            Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC))
        .run(
            new IngestJob.Request(
                Optional.of(root.resolve("market/prices").toString()),
                Optional.of(root.resolve("market/events").toString()),
                OptionalLong.of(86_400)));
    List<RetrainJob.HorizonResult> results = new RetrainJob(TestSpark.session(), config).run(null);
    assertEquals(1, results.size());
    return new Run(config, results.get(0));
  }

  /**
   * FORECASTING.md section 9 for ML vs naive on the backtest's scored pairs, written here from the
   * definition (independently of the production code): {Dbar, z, p}.
   */
  static double[] hac(Run run, int horizonMinutes) {
    var entry = run.result().trained().entry();
    List<Row> rows =
        new Warehouse(TestSpark.session(), run.config())
            .read(Tables.BACKTEST_PREDICTIONS)
            .filter(
                "model_name = '"
                    + entry.modelName()
                    + "' AND model_version = '"
                    + entry.version()
                    + "' AND included")
            .groupBy("as_of")
            .agg(
                org.apache.spark.sql.functions.expr(
                    "avg(cast(ml_correct as double) - cast(naive_correct as double))"))
            .orderBy("as_of")
            .collectAsList();
    int t = rows.size();
    double[] d = new double[t];
    double mean = 0;
    for (int i = 0; i < t; i++) {
      d[i] = rows.get(i).getDouble(1);
      mean += d[i] / t;
    }
    int lag = (int) Math.ceil(horizonMinutes / 1440.0) - 1;
    double var = 0;
    for (int j = 0; j <= lag; j++) {
      double gamma = 0;
      for (int i = j; i < t; i++) {
        gamma += (d[i] - mean) * (d[i - j] - mean) / t;
      }
      var += (j == 0 ? 1 : 2 * (1 - j / (lag + 1.0))) * gamma;
    }
    var /= t;
    double z = mean / Math.sqrt(var);
    return new double[] {mean, z, 1 - new NormalDistribution().cumulativeProbability(z)};
  }
}
