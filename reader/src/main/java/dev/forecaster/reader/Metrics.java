package dev.forecaster.reader;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The reader's Prometheus metrics, kept by the Prometheus Java client in a registry of their own
 * and written in its text exposition format: requests by endpoint and status, a latency histogram
 * by endpoint, the served table's version, size and reload times, and the HTTP layer's open,
 * refused and timed-out connections.
 */
public final class Metrics implements HttpServer.Events {
  /** Endpoint labels: the API's paths, and "other" for anything else (bounded cardinality). */
  public static final List<String> ENDPOINTS =
      List.of("/forecast/asset", "/forecasts", "/health", "/metrics", "other");

  /** Upper bounds of the latency buckets, in seconds. */
  static final double[] BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5
  };

  static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter requests;
  private final Histogram latency;
  private final Gauge openConnections;
  private final Counter refusedConnections;
  private final Counter headTimeouts;

  /**
   * Data points by endpoint and status (100-599), filled on first use: the client's label lookup
   * allocates, this does not. Two threads filling one slot store the same data point.
   */
  private final AtomicReferenceArray<CounterDataPoint> requestPoints =
      new AtomicReferenceArray<>(ENDPOINTS.size() * 500);

  private final DistributionDataPoint[] latencyPoints = new DistributionDataPoint[ENDPOINTS.size()];

  /** Metrics of a reader serving {@code store}. */
  public Metrics(ForecastStore store) {
    requests =
        Counter.builder()
            .name("forecaster_reader_requests_total")
            .help("HTTP requests answered, by endpoint and status.")
            .labelNames("endpoint", "status")
            .register(registry);
    latency =
        Histogram.builder()
            .name("forecaster_reader_request_duration_seconds")
            .help("Time to answer a request, by endpoint.")
            .labelNames("endpoint")
            .classicOnly()
            .classicUpperBounds(BUCKETS)
            .register(registry);
    for (int i = 0; i < ENDPOINTS.size(); i++) {
      latencyPoints[i] = latency.labelValues(ENDPOINTS.get(i));
    }
    GaugeWithCallback.builder()
        .name("forecaster_reader_table_version")
        .help("Delta version of the forecasts table being served (-1: none).")
        .callback(
            cb -> {
              ForecastIndex index = store.current().index();
              cb.call(index == null ? -1 : index.version());
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("forecaster_reader_table_rows")
        .help("Forecast rows in the served version.")
        .callback(
            cb -> {
              ForecastIndex index = store.current().index();
              cb.call(index == null ? 0 : index.rows());
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("forecaster_reader_serving")
        .help("1 when the reader answers queries, 0 when it has no table (see /health).")
        .callback(cb -> cb.call(store.current().ok() ? 1 : 0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("forecaster_reader_last_reload_timestamp_seconds")
        .help("Unix time the served version was loaded (0: never).")
        .callback(
            cb -> {
              ForecastIndex index = store.current().index();
              cb.call(index == null ? 0 : index.loadedAt().toEpochMilli() / 1000.0);
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("forecaster_reader_latest_as_of_timestamp_seconds")
        .help("Unix time of the latest as-of in the served version (0: none).")
        .callback(
            cb -> {
              ForecastIndex index = store.current().index();
              cb.call(index == null || index.latestAsOf() == null ? 0 : index.latestAsOf() / 1e6);
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("forecaster_reader_reload_failures_total")
        .help("Polls whose reload failed.")
        .callback(cb -> cb.call(store.reloadFailures()))
        .register(registry);
    openConnections =
        Gauge.builder()
            .name("forecaster_reader_open_connections")
            .help("HTTP connections open now.")
            .register(registry);
    refusedConnections =
        Counter.builder()
            .name("forecaster_reader_refused_connections_total")
            .help("Connections closed on accept because max-connections were open.")
            .register(registry);
    headTimeouts =
        Counter.builder()
            .name("forecaster_reader_head_timeouts_total")
            .help("Connections closed because a request head did not arrive within head-timeout.")
            .register(registry);
  }

  public static String endpoint(String path) {
    return ENDPOINTS.get(endpointIndex(path));
  }

  /** Each label's position in {@link #ENDPOINTS}: one hash lookup a request, no list scan. */
  private static final Map<String, Integer> ENDPOINT_INDEX =
      IntStream.range(0, ENDPOINTS.size())
          .boxed()
          .collect(Collectors.toMap(ENDPOINTS::get, i -> i));

  private static final int OTHER = ENDPOINTS.indexOf("other");

  /** The index of a path's endpoint label in {@link #ENDPOINTS} ("other" for any other path). */
  private static int endpointIndex(String path) {
    return ENDPOINT_INDEX.getOrDefault(path, OTHER);
  }

  public void record(String endpoint, int status, long nanos) {
    int e = endpointIndex(endpoint);
    CounterDataPoint point;
    if (status >= 100 && status < 600) {
      int slot = e * 500 + status - 100;
      point = requestPoints.get(slot);
      if (point == null) {
        point = requests.labelValues(ENDPOINTS.get(e), Integer.toString(status));
        requestPoints.set(slot, point);
      }
    } else {
      point = requests.labelValues(ENDPOINTS.get(e), Integer.toString(status));
    }
    point.inc();
    latencyPoints[e].observe(nanos / 1e9);
  }

  @Override
  public void opened() {
    openConnections.inc();
  }

  @Override
  public void closed() {
    openConnections.dec();
  }

  @Override
  public void refused() {
    refusedConnections.inc();
  }

  @Override
  public void headTimedOut() {
    headTimeouts.inc();
  }

  /** The exposition text of every metric, as of now. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, registry.scrape(), EscapingScheme.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
