package dev.forecaster.monitor;

import dev.forecaster.TestSpark;
import dev.forecaster.backtest.BacktestModelJob;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.forecast.ForecastJob;
import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import dev.forecaster.ingest.IngestJob;
import dev.forecaster.io.Warehouse;
import dev.forecaster.model.TrainModelJob;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.Promotions;
import dev.forecaster.registry.RegistryEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.SparkSession;

/**
 * One warehouse shared by the monitor and report job tests, built once per test JVM: a generated
 * daily market (BTC-USD, ETH-USD, 2024-08-01 .. 2025-01-18), a 7-day model (10 trees, Platt
 * calibration on) trained and backtested (10 as-ofs) at 2024-12-15 and promoted, no 1-day model,
 * and the forecasts of every day 2024-12-15 .. 2025-01-17 backfilled in one run. The monitor runs
 * at {@link #T} = 2025-01-17, when the latest candle (opened 01-16) has just closed: 7-day
 * forecasts up to 01-10 and 1-day forecasts up to 01-16 have matured. The first monitor run at T is
 * part of the fixture.
 */
public final class MonitoredWarehouse {
  public static final Instant TRAINED = Instant.parse("2024-12-15T00:00:00Z");
  public static final Instant LAST_FORECAST = Instant.parse("2025-01-17T00:00:00Z");
  public static final Instant T = Instant.parse("2025-01-17T00:00:00Z");
  public static final int H1 = 1440;
  public static final int H7 = 10_080;
  public static final String MODEL = "ml_forecaster_7d_rf:v1";

  /** Forecast as-ofs: 2024-12-15 .. 2025-01-17. */
  public static final int NIGHTS = 34;

  public final Path root;
  public final ForecasterConfig config;
  public final RegistryEntry model;
  public final BacktestModelJob.Outcome backtest;
  public final ForecastJob.Result forecasts;

  /** The first monitor run at T. */
  public final MonitorJob.Result monitored;

  private static MonitoredWarehouse instance;

  /**
   * The tables, through the current test session (a command run in-process by another test stops
   * the session and {@link TestSpark} builds a new one, so nothing here holds on to a session).
   */
  public Warehouse warehouse() {
    return new Warehouse(TestSpark.session(), config);
  }

  public static synchronized MonitoredWarehouse get() {
    if (instance == null) {
      try {
        instance = new MonitoredWarehouse(Files.createTempDirectory("monitored-warehouse"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  private MonitoredWarehouse(Path root) throws IOException {
    this.root = root;
    SparkSession spark = TestSpark.session();
    config =
        ConfigLoader.load(
            null,
            Map.of(
                "warehouse",
                root.resolve("warehouse").toString(),
                "horizons-minutes",
                List.of(H1, H7),
                "model.random-forest.num-trees",
                10,
                "model.random-forest.max-depth",
                4,
                "model.calibration.platt",
                true,
                "backtest.days",
                10,
                "monitor.window-forecasts",
                20,
                "monitor.alerts.min-forecasts",
                20));
    Warehouse warehouse = new Warehouse(spark, config);
    Path landing = root.resolve("landing");
    new SyntheticMarket(
            new MarketSpec(
                List.of("BTC-USD", "ETH-USD"),
                Instant.parse("2024-08-01T00:00:00Z"),
                170,
                86_400L,
                11,
                0.5,
                0.0,
                0.6,
                0.4,
                0.15))
        .write(landing, s -> {});
    new IngestJob(spark, config, Clock.systemUTC())
        .run(
            new IngestJob.Request(
                Optional.of(landing.resolve("prices").toString()),
                Optional.of(landing.resolve("events").toString()),
                OptionalLong.empty()));
    TrainModelJob train = new TrainModelJob(spark, config);
    TrainModelJob.Inputs inputs = train.inputs(TRAINED, null);
    TrainModelJob.Trained trained =
        train.train(inputs, new TrainModelJob.Options(H7, null, true, true, false));
    backtest = new BacktestModelJob(spark, config).run(trained.entry(), TRAINED, 10, inputs);
    inputs.features().unpersist();
    inputs.labels().unpersist();
    ModelRegistry registry = new ModelRegistry(spark, warehouse);
    Instant at = Instant.now();
    registry.apply(
        Promotions.promote(registry.all(), registry.resolve(MODEL), "test", at),
        Map.of(),
        "test",
        at);
    model = registry.resolve(MODEL);
    List<Instant> nights = new ArrayList<>();
    for (Instant t = TRAINED; !t.isAfter(LAST_FORECAST); t = t.plusSeconds(86_400)) {
      nights.add(t);
    }
    forecasts = new ForecastJob(spark, config).run(nights);
    monitored = new MonitorJob(spark, config).run(T);
  }
}
