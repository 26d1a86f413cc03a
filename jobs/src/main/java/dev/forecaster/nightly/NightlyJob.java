package dev.forecaster.nightly;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.features.FeaturesJob;
import dev.forecaster.forecast.ForecastJob;
import dev.forecaster.ingest.IngestJob;
import dev.forecaster.ingest.IngestReport;
import dev.forecaster.io.Tables;
import dev.forecaster.monitor.MonitorJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * What Airflow runs every night for one as-of: ingest whatever is in the configured landing
 * folders, the features of the as-of, its forecasts, and the monitor of what has matured by then.
 * Each step reports its time and row counts as it finishes.
 */
public final class NightlyJob {
  private final SparkSession spark;
  private final ForecasterConfig config;
  private final Clock clock;

  /** One finished step. */
  public record Step(String name, double seconds, String summary) {
    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "%-9s %6.1f s  %s", name, seconds, summary);
    }
  }

  public NightlyJob(SparkSession spark, ForecasterConfig config) {
    this(spark, config, Clock.systemUTC());
  }

  /**
   * @param clock the ingestion time of the landing rows (a row stamped after it is rejected); a
   *     simulation of past nights sets it to each night's run time
   */
  public NightlyJob(SparkSession spark, ForecasterConfig config, Clock clock) {
    this.spark = spark;
    this.config = config;
    this.clock = clock;
  }

  /**
   * The steps of a night, what its monitor step found, and the landing files that could not be read
   * at all (quarantined and recorded; the night then fails, after its other steps ran).
   */
  public record Run(List<Step> steps, MonitorJob.Result monitor, List<String> unreadableFiles) {}

  public Run run(Instant asOf, Consumer<Step> onStep) {
    List<Step> steps = new ArrayList<>();
    long start = System.nanoTime();
    Optional<String> prices = landing(config.ingest().landingPrices());
    Optional<String> events = landing(config.ingest().landingEvents());
    String ingestSummary;
    List<String> unreadable = List.of();
    if (prices.isEmpty() && events.isEmpty()) {
      ingestSummary =
          "skipped: no landing folder with files (set forecaster.ingest.landing-prices and"
              + " landing-events)";
    } else {
      // Only the files not ingested before: each delivery is read once, in the night it arrives,
      // so a corrected candle re-delivered later updates the stored one instead of conflicting
      // with its original in the same run.
      IngestReport report =
          new IngestJob(spark, config, clock)
              .run(
                  new IngestJob.Request(
                      prices,
                      events,
                      config.ingest().barSeconds() > 0
                          ? OptionalLong.of(config.ingest().barSeconds())
                          : OptionalLong.empty(),
                      true,
                      asOf));
      unreadable = report.unreadableFiles();
      ingestSummary =
          String.format(
              "%d new files: read %d lines, accepted %d, duplicates %d, quarantined %d%s",
              report.files().size(),
              report.total(Tables.PRICES, IngestReport.FileCounts::read)
                  + report.total(Tables.EVENTS, IngestReport.FileCounts::read),
              report.total(Tables.PRICES, IngestReport.FileCounts::accepted)
                  + report.total(Tables.EVENTS, IngestReport.FileCounts::accepted),
              report.total(Tables.PRICES, IngestReport.FileCounts::duplicates)
                  + report.total(Tables.EVENTS, IngestReport.FileCounts::duplicates),
              report.total(Tables.PRICES, IngestReport.FileCounts::quarantined)
                  + report.total(Tables.EVENTS, IngestReport.FileCounts::quarantined),
              unreadable.isEmpty()
                  ? ""
                  : "; " + unreadable.size() + " unreadable files quarantined whole");
    }
    start = finish(steps, onStep, "ingest", start, ingestSummary);

    List<String> featureCounts = new ArrayList<>();
    Map<Integer, Long> written = new HashMap<>();
    for (int lookback : config.lookbacksDays()) {
      FeaturesJob.Result r = new FeaturesJob(spark, config).run(List.of(asOf), lookback);
      written.put(lookback, r.version());
      featureCounts.add(
          String.format(
              "%d rows (lookback %d d, Delta version %d)", r.rows(), lookback, r.version()));
    }
    start = finish(steps, onStep, "features", start, String.join("; ", featureCounts));

    // The forecast reads the features just written rather than computing them again: the same
    // transform on the same data (NightsWithFaultsTest compares every night's features and
    // forecasts with a clean recomputation, whose forecast step computes its own).
    ForecastJob.Result f = new ForecastJob(spark, config).run(List.of(asOf), written);
    start =
        finish(
            steps,
            onStep,
            "forecast",
            start,
            String.format(
                "%d rows, %d naive, run %s, Delta version %d",
                f.rows(), f.naiveRows(), f.runId(), f.version()));

    MonitorJob.Result m = new MonitorJob(spark, config).run(asOf);
    finish(
        steps,
        onStep,
        "monitor",
        start,
        String.format(
            "%d newly matured forecasts, %d metric rows, %d active alerts, run %s",
            m.maturedForecasts(), m.metricRows(), m.alerts().size(), m.runId()));
    return new Run(steps, m, unreadable);
  }

  private static long finish(
      List<Step> steps, Consumer<Step> onStep, String name, long start, String summary) {
    long now = System.nanoTime();
    Step step = new Step(name, (now - start) / 1e9, summary);
    steps.add(step);
    onStep.accept(step);
    return now;
  }

  /** A configured landing folder that exists and holds files, else empty. */
  private Optional<String> landing(String uri) {
    if (uri == null || uri.isBlank()) {
      return Optional.empty();
    }
    Path path = new Path(uri);
    try {
      var fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path) || fs.listStatus(path).length == 0) {
        return Optional.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list landing folder " + uri, e);
    }
    return Optional.of(uri);
  }
}
