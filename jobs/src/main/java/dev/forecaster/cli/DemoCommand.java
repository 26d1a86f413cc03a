package dev.forecaster.cli;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

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
import dev.forecaster.monitor.MonitorJob;
import dev.forecaster.report.ReportJob;
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
      "The whole product on generated data: a two-year market for BTC-USD, ETH-USD and XMR-USD"
          + " (momentum plus news-led reversals, --signal), ingest, features, the monthly retrain"
          + " as of 30 days before the last as-of (train, backtest, gate: the gate table), the"
          + " nightly forecasts of the 31 nights since then with the models the gate promoted,"
          + " monitor over them, the backtest and monitor reports (their file:// paths) and the"
          + " forecasts of the last night.",
      "bin/forecaster demo then starts the reader on the demo warehouse and prints curl lines once"
          + " it answers /health (--no-serve: don't). --signal 0 shows the honest failure: every"
          + " gate fails and every forecast is the naive baseline's.",
      "Re-running into the same --out reuses its tables (the retrain finds its models); a market"
          + " with other --bar or --signal needs another --out."
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

  @Option(
      names = "--signal",
      defaultValue = "1",
      paramLabel = "S",
      description =
          "Strength of the market's news-led reversals (generate --signal); 0 = a market where"
              + " the naive trend rule is as good as it gets (default: ${DEFAULT-VALUE}).")
  double signal;

  /** Nights forecast before the last one, as the nightly would have since the monthly retrain. */
  static final int BACKFILL_DAYS = 30;

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
            0.15,
            signal);
    // A re-run reuses the warehouse (MERGEs), so a market with other settings would mix with the
    // old one's events and prices: refuse instead of showing a blend.
    Path specFile = out.resolve("market-spec.txt");
    try {
      String wanted = marketSpec.toString();
      if (java.nio.file.Files.exists(specFile)
          && !java.nio.file.Files.readString(specFile).equals(wanted)) {
        throw new dev.forecaster.errors.ForecasterException(
            out
                + " holds a demo of a market generated with other settings (--bar or --signal;"
                + " see "
                + specFile
                + "), and a re-run adds to its tables; pass another --out, or delete "
                + out);
      }
      java.nio.file.Files.createDirectories(out);
      java.nio.file.Files.writeString(specFile, wanted);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + specFile, e);
    }
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

      Instant retrainedAt = last.minus(Duration.ofDays(BACKFILL_DAYS));
      List<RetrainJob.HorizonResult> retrained = new RetrainJob(spark, config).run(retrainedAt);
      step(
          o,
          started,
          "retrain",
          "%d horizons as of %s (the monthly retrain %d days ago)",
          retrained.size(),
          retrainedAt,
          BACKFILL_DAYS);
      o.println();
      TablePrinter gate =
          new TablePrinter(
              "model",
              "version",
              "gate",
              "ml_acc",
              "naive",
              "impr_pp",
              "mcnemar_p",
              "status / failed criteria");
      for (RetrainJob.HorizonResult r : retrained) {
        var b = r.backtest();
        gate.add(
            r.trained().entry().modelName(),
            r.trained().entry().version(),
            b.gate().outcome().name(),
            percent(b.overall().mlAccuracy()),
            percent(b.overall().naiveAccuracy()),
            b.overall().improvementPp() == null
                ? null
                : String.format(Locale.ROOT, "%+.1f", b.overall().improvementPp()),
            String.format(Locale.ROOT, "%.2g", b.overall().mcnemarP()),
            b.statusAfter()
                + (b.gate().failures().isEmpty()
                    ? ""
                    : ": " + String.join("; ", b.gate().failures())));
      }
      gate.print(o);
      o.println();

      List<Instant> nights = new ArrayList<>();
      for (Instant t = retrainedAt; !t.isAfter(last); t = t.plus(Duration.ofDays(1))) {
        nights.add(t);
      }
      ForecastJob.Result forecast = new ForecastJob(spark, config).run(nights);
      step(
          o,
          started,
          "forecast",
          "%d rows for the %d nights %s .. %s (%d naive)",
          forecast.rows(),
          nights.size(),
          retrainedAt.toString().substring(0, 10),
          last.toString().substring(0, 10),
          forecast.naiveRows());

      MonitorJob.Result monitored = new MonitorJob(spark, config).run(last);
      step(
          o,
          started,
          "monitor",
          "%d matured forecasts scored as of %s, %d active alert%s",
          monitored.maturedForecasts(),
          last,
          monitored.alerts().size(),
          monitored.alerts().size() == 1 ? "" : "s");
      Warehouse warehouse = new Warehouse(spark, config);
      o.println();
      printLiveAccuracy(o, warehouse);
      // One line per kind of alert: the messages themselves are in the alerts table.
      java.util.Map<String, java.util.List<MonitorJob.Alert>> byKind = new java.util.TreeMap<>();
      monitored
          .alerts()
          .forEach(a -> byKind.computeIfAbsent(a.alert(), k -> new ArrayList<>()).add(a));
      byKind.forEach(
          (kind, alerts) ->
              o.printf("alert %s x%d, e.g. %s%n", kind, alerts.size(), alerts.get(0).message()));
      if (!byKind.isEmpty()) {
        o.printf(
            "  every alert: bin/forecaster sql --warehouse %s -e 'SELECT * FROM alerts'%n",
            warehouseDir);
      }
      o.println();

      ReportJob reports = new ReportJob(spark, config);
      List<String> pages = new ArrayList<>();
      for (RetrainJob.HorizonResult r : retrained) {
        pages.add(
            reports.backtest(
                r.trained().entry().modelName() + ":" + r.trained().entry().version()));
      }
      pages.add(reports.monitor(last));
      step(o, started, "report", "%d pages", pages.size());
      for (String page : pages) {
        o.println("  " + fileUri(page));
      }
      o.println();
      printForecasts(o, warehouse, last);
    } finally {
      spark.stop();
    }
    o.printf(
        Locale.ROOT,
        "%ndemo finished in %.0f s; warehouse: %s%n",
        (System.nanoTime() - started) / 1e9,
        warehouseDir.toAbsolutePath());
    String base = "http://127.0.0.1:" + port;
    List<String> curl =
        List.of(
            String.format("  curl '%s/forecast/asset?symbol=BTC-USD&horizon_minutes=10080'", base),
            String.format(
                "  curl '%s/forecast/asset?symbol=ETH-USD&horizon_minutes=1440&lookback_days=60'",
                base),
            String.format("  curl '%s/forecasts'", base),
            String.format("  curl '%s/health'", base),
            String.format("  curl '%s/metrics'", base));
    // bin/forecaster prints this file once the reader answers /health, not before.
    try {
      java.nio.file.Files.write(out.resolve(CURL_FILE), curl);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out.resolve(CURL_FILE), e);
    }
    if (noServe) {
      o.println("start the reader with:");
      o.printf(
          "  bin/forecaster serve --warehouse %s --port %d%n", warehouseDir.toAbsolutePath(), port);
      o.println("then try:");
      curl.forEach(o::println);
    } else {
      o.printf("starting the reader on %s (the curl lines follow once it answers /health)%n", base);
    }
    o.flush();
    return 0;
  }

  /** Where the curl lines are written for bin/forecaster, under the demo folder. */
  static final String CURL_FILE = "reader-curl.txt";

  private static String percent(Double share) {
    return share == null ? null : String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  /** A local path or file: URI as file:///..., which terminals and browsers open. */
  static String fileUri(String page) {
    if (page.contains("://") && !page.startsWith("file:")) {
      return page;
    }
    String path = page.startsWith("file:") ? java.net.URI.create(page).getPath() : page;
    return Path.of(path).toAbsolutePath().toUri().toString();
  }

  /** What monitor measured: per horizon and model, matured forecasts and how many were right. */
  private static void printLiveAccuracy(PrintWriter o, Warehouse warehouse) {
    if (!warehouse.exists(Tables.FORECAST_OUTCOMES)) {
      return;
    }
    TablePrinter live = new TablePrinter("horizon", "served_by", "matured", "live_acc");
    for (Row r :
        warehouse
            .read(Tables.FORECAST_OUTCOMES)
            .filter(col(CORRECT).isNotNull())
            .groupBy(col(HORIZON_MINUTES), col(MODEL_NAME), col(MODEL_VERSION))
            .agg(
                org.apache.spark.sql.functions.count(lit(1)).as("n"),
                org.apache.spark.sql.functions.avg(col(CORRECT).cast("double")).as("acc"))
            .orderBy(HORIZON_MINUTES, MODEL_NAME)
            .collectAsList()) {
      String version = r.getString(2);
      live.add(
          dev.forecaster.model.Horizons.label(r.getInt(0)),
          r.getString(1) + (version == null ? "" : " " + version),
          Long.toString(r.getLong(3)),
          percent(r.getDouble(4)));
    }
    live.print(o);
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
    o.println("forecasts of " + asOf + " (what the reader serves):");
    TablePrinter table =
        new TablePrinter(
            "symbol",
            "horizon",
            "lookback",
            "dir",
            "p_up",
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
      table.add(
          r.<String>getAs(SYMBOL),
          dev.forecaster.model.Horizons.label(r.<Integer>getAs(HORIZON_MINUTES)),
          Integer.toString(r.<Integer>getAs(LOOKBACK_DAYS)),
          orDash(r.<String>getAs(DIRECTION)),
          r.isNullAt(r.fieldIndex(P_UP))
              ? "-"
              : String.format(Locale.ROOT, "%.3f", r.<Double>getAs(P_UP)),
          r.isNullAt(r.fieldIndex(CONFIDENCE))
              ? "-"
              : String.format(Locale.ROOT, "%.3f", r.<Double>getAs(CONFIDENCE)),
          r.isNullAt(r.fieldIndex(EXPECTED_RETURN))
              ? "-"
              : String.format(Locale.ROOT, "%+.4f", r.<Double>getAs(EXPECTED_RETURN)),
          r.<String>getAs(MODEL_TYPE),
          r.<String>getAs(MODEL_NAME),
          orDash(r.<String>getAs(MODEL_VERSION)),
          orDash(r.<String>getAs(REGIME)),
          r.<String>getAs(FALLBACK_REASON) == null ? "" : r.<String>getAs(FALLBACK_REASON));
    }
    table.print(o);
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
