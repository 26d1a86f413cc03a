package dev.forecaster.cli;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;

import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.features.FeaturesJob;
import dev.forecaster.forecast.ForecastJob;
import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import dev.forecaster.ingest.IngestJob;
import dev.forecaster.ingest.IngestReport;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.retrain.RetrainJob;
import dev.forecaster.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code demo}: the whole story on generated data, end to end, in one command. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generates a two-year market for BTC-USD, ETH-USD and XMR-USD with momentum, ingests it,"
          + " writes features, retrains every horizon (train, backtest, gate), forecasts the last"
          + " as-of, and prints the gate results, the forecasts and curl lines for the reader.",
      "bin/forecaster demo then starts the reader on the demo warehouse (--no-serve: don't)."
          + " Re-running it reuses what is already there."
    })
final class DemoCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      defaultValue = "demo",
      paramLabel = "DIR",
      description = "Folder of the demo: DIR/market and DIR/warehouse (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "HOCON file layered over the defaults (e.g. fewer trees).")
  Path conf;

  @Option(
      names = "--bar",
      defaultValue = "1h",
      description = "Candle length of the generated market (default: ${DEFAULT-VALUE}).")
  String bar;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description =
          "Port the reader will serve on, for the curl lines (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--no-serve", description = "Do not start the reader afterwards.")
  boolean noServe;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    Path market = out.resolve("market");
    Path warehouseDir = out.resolve("warehouse");
    ForecasterConfig config =
        ConfigLoader.load(conf, Map.of("warehouse", warehouseDir.toAbsolutePath().toString()));
    long started = System.nanoTime();

    MarketSpec marketSpec =
        new MarketSpec(
            List.of("BTC-USD", "ETH-USD", "XMR-USD"),
            Instant.parse("2024-01-01T00:00:00Z"),
            730,
            dev.forecaster.ingest.BarLength.parseSeconds(bar),
            7,
            0.5,
            0.002,
            0.6,
            0.4,
            0.15);
    try {
      SyntheticMarket.Result generated = new SyntheticMarket(marketSpec).write(market, LOG::info);
      step(
          o,
          started,
          "generate",
          "%d candles, %d events in %s",
          generated.candles(),
          generated.events(),
          market);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo market to " + market, e);
    }

    SparkSession spark = SparkSessions.create("forecaster-demo", config);
    try {
      IngestReport ingest =
          new IngestJob(spark, config, Clock.systemUTC())
              .run(
                  new IngestJob.Request(
                      Optional.of(market.resolve("prices").toString()),
                      Optional.of(market.resolve("events").toString()),
                      OptionalLong.empty()));
      step(
          o,
          started,
          "ingest",
          "%d candles and %d events accepted, %d quarantined",
          ingest.total(Tables.PRICES, IngestReport.FileCounts::accepted),
          ingest.total(Tables.EVENTS, IngestReport.FileCounts::accepted),
          ingest.total(Tables.PRICES, IngestReport.FileCounts::quarantined)
              + ingest.total(Tables.EVENTS, IngestReport.FileCounts::quarantined));

      Instant last = latestClose(new Warehouse(spark, config)).truncatedTo(ChronoUnit.DAYS);
      List<Instant> recent = new ArrayList<>();
      for (Instant t = last.minus(Duration.ofDays(89));
          !t.isAfter(last);
          t = t.plus(Duration.ofDays(1))) {
        recent.add(t);
      }
      FeaturesJob.Result features =
          new FeaturesJob(spark, config).run(recent, config.lookbacksDays().get(0));
      step(o, started, "features", "%d rows for the last 90 days", features.rows());

      List<RetrainJob.HorizonResult> retrained = new RetrainJob(spark, config).run(last);
      step(o, started, "retrain", "%d horizons", retrained.size());
      o.println();
      o.printf(
          "%-22s %-6s %-10s %8s %8s %8s  %s%n",
          "model", "version", "gate", "ml_acc", "naive", "impr_pp", "status / failed criteria");
      for (RetrainJob.HorizonResult r : retrained) {
        var b = r.backtest();
        o.printf(
            Locale.ROOT,
            "%-22s %-6s %-10s %7.1f%% %7.1f%% %+8.1f  %s%n",
            r.trained().entry().modelName(),
            r.trained().entry().version(),
            b.gate().outcome(),
            b.overall().mlAccuracy() * 100,
            b.overall().naiveAccuracy() * 100,
            b.overall().improvementPp(),
            b.statusAfter()
                + (b.gate().failures().isEmpty()
                    ? ""
                    : ": " + String.join("; ", b.gate().failures())));
      }
      o.println();

      ForecastJob.Result forecast = new ForecastJob(spark, config).run(List.of(last));
      step(
          o,
          started,
          "forecast",
          "%d rows for %s (%d naive)",
          forecast.rows(),
          last,
          forecast.naiveRows());
      o.println();
      printForecasts(o, new Warehouse(spark, config), last);
    } finally {
      spark.stop();
    }
    o.printf(
        Locale.ROOT,
        "%ndemo finished in %.0f s; warehouse: %s%n",
        (System.nanoTime() - started) / 1e9,
        warehouseDir.toAbsolutePath());
    String base = "http://127.0.0.1:" + port;
    o.println(noServe ? "start the reader with:" : "the reader starts next; try:");
    if (noServe) {
      o.printf(
          "  bin/forecaster serve --warehouse %s --port %d%n", warehouseDir.toAbsolutePath(), port);
    }
    o.printf("  curl '%s/forecast/asset?symbol=BTC-USD&horizon_minutes=10080'%n", base);
    o.printf(
        "  curl '%s/forecast/asset?symbol=ETH-USD&horizon_minutes=1440&lookback_days=60'%n", base);
    o.printf("  curl '%s/forecasts'%n", base);
    o.printf("  curl '%s/health'%n", base);
    o.printf("  curl '%s/metrics'%n", base);
    o.flush();
    return 0;
  }

  private static void step(
      PrintWriter o, long started, String name, String format, Object... args) {
    o.printf(
        Locale.ROOT,
        "[%5.0f s] %-9s %s%n",
        (System.nanoTime() - started) / 1e9,
        name,
        String.format(format, args));
    o.flush();
  }

  private static Instant latestClose(Warehouse warehouse) {
    Row r =
        warehouse
            .read(Tables.PRICES)
            .agg(
                org.apache.spark.sql.functions.max(
                    org.apache
                        .spark
                        .sql
                        .functions
                        .unix_seconds(col(OPEN_TIME))
                        .plus(col(BAR_SECONDS))))
            .first();
    return Instant.ofEpochSecond(r.getLong(0));
  }

  private static void printForecasts(PrintWriter o, Warehouse warehouse, Instant asOf) {
    o.printf(
        "%-8s %-8s %7s %-5s %6s %9s %-6s %-22s %-4s %-9s %s%n",
        "symbol",
        "horizon",
        "lookback",
        "dir",
        "conf",
        "exp_ret",
        "type",
        "model",
        "ver",
        "regime",
        "fallback_reason");
    for (Row r :
        warehouse
            .read(Tables.FORECASTS)
            .filter(col(AS_OF).equalTo(java.sql.Timestamp.from(asOf)))
            .orderBy(SYMBOL, HORIZON_MINUTES, LOOKBACK_DAYS)
            .collectAsList()) {
      o.printf(
          Locale.ROOT,
          "%-8s %-8s %7d %-5s %6s %9s %-6s %-22s %-4s %-9s %s%n",
          r.<String>getAs(SYMBOL),
          dev.forecaster.model.Horizons.label(r.<Integer>getAs(HORIZON_MINUTES)),
          r.<Integer>getAs(LOOKBACK_DAYS),
          r.<String>getAs(DIRECTION),
          r.isNullAt(r.fieldIndex(CONFIDENCE))
              ? "-"
              : String.format(Locale.ROOT, "%.3f", r.<Double>getAs(CONFIDENCE)),
          r.isNullAt(r.fieldIndex(EXPECTED_RETURN))
              ? "-"
              : String.format(Locale.ROOT, "%+.4f", r.<Double>getAs(EXPECTED_RETURN)),
          r.<String>getAs(MODEL_TYPE),
          r.<String>getAs(MODEL_NAME),
          r.<String>getAs(MODEL_VERSION) == null ? "-" : r.<String>getAs(MODEL_VERSION),
          r.<String>getAs(REGIME),
          r.<String>getAs(FALLBACK_REASON) == null ? "" : r.<String>getAs(FALLBACK_REASON));
    }
  }
}
