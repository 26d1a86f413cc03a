package dev.forecaster.reader;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The reader's Prometheus metrics, written in the text exposition format (version 0.0.4): requests
 * by endpoint and status, a latency histogram by endpoint, and the served table's version, size and
 * reload times. Hand-written: five metric families need no client library, and recording is two
 * {@link LongAdder} increments per request.
 */
public final class Metrics {
  /** Endpoint labels: the API's paths, and "other" for anything else (bounded cardinality). */
  public static final List<String> ENDPOINTS =
      List.of("/forecast/asset", "/forecasts", "/health", "/metrics", "other");

  /** Upper bounds of the latency buckets, in seconds. */
  static final double[] BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5
  };

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latency = new ConcurrentHashMap<>();

  public Metrics() {
    for (String endpoint : ENDPOINTS) {
      latency.put(endpoint, new Histogram());
    }
  }

  public static String endpoint(String path) {
    return ENDPOINTS.contains(path) ? path : "other";
  }

  public void record(String endpoint, int status, long nanos) {
    requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    latency.get(endpoint).observe(nanos / 1e9);
  }

  /** The exposition text, with the store's current state. */
  public String render(ForecastStore store) {
    StringBuilder s = new StringBuilder(4096);
    s.append(
        "# HELP forecaster_reader_requests_total HTTP requests answered, by endpoint and status.\n");
    s.append("# TYPE forecaster_reader_requests_total counter\n");
    requests.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              String[] k = e.getKey().split("\u0000");
              s.append("forecaster_reader_requests_total{endpoint=\"")
                  .append(k[0])
                  .append("\",status=\"")
                  .append(k[1])
                  .append("\"} ")
                  .append(e.getValue().sum())
                  .append('\n');
            });
    s.append(
        "# HELP forecaster_reader_request_duration_seconds Time to answer a request, by endpoint.\n");
    s.append("# TYPE forecaster_reader_request_duration_seconds histogram\n");
    for (String endpoint : ENDPOINTS) {
      latency.get(endpoint).render(s, endpoint);
    }
    ForecastStore.Serving serving = store.current();
    ForecastIndex index = serving.index();
    gauge(
        s,
        "forecaster_reader_table_version",
        "Delta version of the forecasts table being served (-1: none).",
        index == null ? -1 : index.version());
    gauge(
        s,
        "forecaster_reader_table_rows",
        "Forecast rows in the served version.",
        index == null ? 0 : index.rows());
    gauge(
        s,
        "forecaster_reader_serving",
        "1 when the reader answers queries, 0 when it has no table (see /health).",
        serving.ok() ? 1 : 0);
    gauge(
        s,
        "forecaster_reader_last_reload_timestamp_seconds",
        "Unix time the served version was loaded (0: never).",
        index == null ? 0 : index.loadedAt().toEpochMilli() / 1000.0);
    gauge(
        s,
        "forecaster_reader_latest_as_of_timestamp_seconds",
        "Unix time of the latest as-of in the served version (0: none).",
        index == null || index.latestAsOf() == null ? 0 : index.latestAsOf() / 1e6);
    s.append("# HELP forecaster_reader_reload_failures_total Polls whose reload failed.\n");
    s.append("# TYPE forecaster_reader_reload_failures_total counter\n");
    s.append("forecaster_reader_reload_failures_total ")
        .append(store.reloadFailures())
        .append('\n');
    return s.toString();
  }

  private static void gauge(StringBuilder s, String name, String help, double value) {
    s.append("# HELP ").append(name).append(' ').append(help).append('\n');
    s.append("# TYPE ").append(name).append(" gauge\n");
    s.append(name).append(' ').append(number(value)).append('\n');
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.6f", v);
  }

  private static final class Histogram {
    private final LongAdder[] counts = new LongAdder[BUCKETS.length];
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].increment();
          break;
        }
      }
      count.increment();
      sum.add(seconds);
    }

    void render(StringBuilder s, String endpoint) {
      long cumulative = 0;
      String name = "forecaster_reader_request_duration_seconds";
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += counts[i].sum();
        s.append(name)
            .append("_bucket{endpoint=\"")
            .append(endpoint)
            .append("\",le=\"")
            .append(java.math.BigDecimal.valueOf(BUCKETS[i]).toPlainString())
            .append("\"} ")
            .append(cumulative)
            .append('\n');
      }
      long total = Math.max(count.sum(), cumulative);
      s.append(name)
          .append("_bucket{endpoint=\"")
          .append(endpoint)
          .append("\",le=\"+Inf\"} ")
          .append(total)
          .append('\n');
      s.append(name)
          .append("_sum{endpoint=\"")
          .append(endpoint)
          .append("\"} ")
          .append(String.format(Locale.ROOT, "%.6f", sum.sum()))
          .append('\n');
      s.append(name)
          .append("_count{endpoint=\"")
          .append(endpoint)
          .append("\"} ")
          .append(total)
          .append('\n');
    }
  }
}
