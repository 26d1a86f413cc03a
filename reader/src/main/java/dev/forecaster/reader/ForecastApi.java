package dev.forecaster.reader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (INTERFACES.md "Reader HTTP API"): GET /forecast/asset, /forecasts, /health and
 * /metrics. Each request reads the served version once, so its answer comes from one table version.
 * Bad input is a 4xx naming the problem; a 500 only ever means a bug.
 */
final class ForecastApi implements HttpServer.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(ForecastApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ASSET = "/forecast/asset";
  private static final String FORECASTS = "/forecasts";
  private static final String HEALTH = "/health";
  private static final String METRICS = "/metrics";
  private static final List<String> ASSET_PARAMETERS =
      List.of("symbol", "horizon_minutes", "lookback_days", "as_of");
  private static final List<String> FORECASTS_PARAMETERS = List.of("as_of");
  private static final String ASSET_EXAMPLE =
      "/forecast/asset?symbol=BTC-USD&horizon_minutes=10080";

  private final ForecastStore store;
  private final Metrics metrics;
  private final int defaultLookbackDays;
  private final Duration pollInterval;
  private final Clock clock;

  /** The latest night's /forecasts answer of one index, built on first request. */
  private record LatestList(ForecastIndex index, byte[] body) {}

  private volatile LatestList latestList;

  /**
   * The last /health answer, with what it was made of: the same serving state, poll and age give
   * the same bytes, so a poll of /health every few milliseconds serializes once a second at most.
   */
  private record HealthAnswer(
      ForecastStore.Serving serving, Instant lastPoll, long ageSeconds, HttpResponse response) {}

  private volatile HealthAnswer lastHealth;

  ForecastApi(
      ForecastStore store,
      Metrics metrics,
      int defaultLookbackDays,
      Duration pollInterval,
      Clock clock) {
    this.store = store;
    this.metrics = metrics;
    this.defaultLookbackDays = defaultLookbackDays;
    this.pollInterval = pollInterval;
    this.clock = clock;
  }

  /**
   * Answers one request. Every answer is JSON except /metrics; every failure is an {@link ApiError}
   * with its status, and anything else (a bug) a 500 that is logged.
   */
  @Override
  public HttpResponse handle(String method, String rawPath, String rawQuery) {
    long start = System.nanoTime();
    String endpoint = Metrics.endpoint(rawPath);
    HttpResponse response;
    try {
      response = route(method, rawPath, rawQuery);
    } catch (ApiError e) {
      response = error(e);
    } catch (RuntimeException e) {
      LOG.error("unexpected failure answering {} {}?{}", method, rawPath, rawQuery, e);
      response =
          error(new ApiError(500, "internal error (a bug: the reader's log has the details)"));
    }
    metrics.record(endpoint, response.status, System.nanoTime() - start);
    return response;
  }

  /** The answer to a request the HTTP layer could not parse (always a 4xx). */
  @Override
  public HttpResponse malformed(int status, String message) {
    HttpResponse response = error(new ApiError(status, message));
    metrics.record("other", status, 0);
    return response;
  }

  private HttpResponse route(String method, String path, String query) throws ApiError {
    boolean known =
        path.equals(ASSET) || path.equals(FORECASTS) || path.equals(HEALTH) || path.equals(METRICS);
    if (!known) {
      throw ApiError.notFound(
          "unknown path '"
              + ApiError.echo(path)
              + "'; the reader serves GET "
              + String.join(", ", ASSET, FORECASTS, HEALTH, METRICS));
    }
    // HEAD is answered as GET; the HTTP layer sends the head without the body.
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      throw new ApiError(
          405,
          "method "
              + ApiError.echo(method)
              + " is not allowed on "
              + path
              + "; the reader is read-only: use GET (or HEAD)");
    }
    return switch (path) {
      case ASSET -> asset(QueryParameters.parse(query, path, ASSET_PARAMETERS));
      case FORECASTS -> forecasts(QueryParameters.parse(query, path, FORECASTS_PARAMETERS));
      case HEALTH -> health(QueryParameters.parse(query, path, List.of()));
      default -> metrics(QueryParameters.parse(query, path, List.of()));
    };
  }

  private HttpResponse asset(QueryParameters parameters) throws ApiError {
    String symbol = parameters.symbol("symbol", ASSET_EXAMPLE);
    int horizon = parameters.positiveInt("horizon_minutes", true, "minutes", "10080");
    Integer lookback = parameters.positiveInt("lookback_days", false, "days", "60");
    Instant asOf = parameters.asOf("as_of");
    ForecastIndex index = serving();

    if (!index.hasSymbol(symbol)) {
      throw ApiError.notFound("unknown symbol '" + symbol + "'")
          .with("available", available(index.symbols(), index.horizons(), index.lookbacks()));
    }
    NavigableSet<Integer> horizons = index.horizons(symbol);
    if (!horizons.contains(horizon)) {
      throw ApiError.notFound("no forecasts for " + symbol + " at horizon_minutes " + horizon)
          .with("available", available(index.symbols(), horizons, lookbacksOf(index, symbol)));
    }
    NavigableSet<Integer> lookbacks = index.lookbacks(symbol, horizon);
    int chosen;
    if (lookback != null) {
      if (!lookbacks.contains(lookback)) {
        throw ApiError.notFound(
                "no forecasts for "
                    + symbol
                    + " at horizon_minutes "
                    + horizon
                    + " with lookback_days "
                    + lookback)
            .with("available", available(index.symbols(), horizons, lookbacks));
      }
      chosen = lookback;
    } else if (lookbacks.contains(defaultLookbackDays)) {
      chosen = defaultLookbackDays;
    } else if (lookbacks.size() == 1) {
      chosen = lookbacks.first();
    } else {
      throw ApiError.badRequest(
              "missing parameter 'lookback_days': "
                  + symbol
                  + " at horizon_minutes "
                  + horizon
                  + " has forecasts for lookbacks "
                  + lookbacks
                  + "; name one")
          .with("available", available(index.symbols(), horizons, lookbacks));
    }
    ForecastIndex.Series series = index.series(symbol, horizon, chosen);
    RowJson row = asOf == null ? series.latest() : series.floor(Instants.toMicros(asOf));
    if (row == null) {
      String earliest = Instants.format(series.earliestAsOf());
      throw ApiError.notFound(
              "no forecast for "
                  + symbol
                  + " at horizon_minutes "
                  + horizon
                  + ", lookback_days "
                  + chosen
                  + " at or before "
                  + Instants.format(Instants.toMicros(asOf))
                  + "; the earliest is "
                  + earliest)
          .with("earliest_as_of", earliest);
    }
    return HttpResponse.row(row, index.suffix());
  }

  private HttpResponse forecasts(QueryParameters parameters) throws ApiError {
    Instant asOf = parameters.asOf("as_of");
    ForecastIndex index = serving();
    long at = asOf == null ? index.latestAsOf() : Instants.toMicros(asOf);
    List<RowJson> rows = index.rowsAt(at);
    if (rows == null) {
      ApiError e =
          ApiError.notFound(
              "no forecasts at exactly "
                  + Instants.format(at)
                  + "; as_of must be one of the table's as-ofs (between "
                  + Instants.format(index.earliestAsOf())
                  + " and "
                  + Instants.format(index.latestAsOf())
                  + ")");
      Long before = index.asOfBefore(at);
      Long after = index.asOfAfter(at);
      e.with("earliest_as_of", Instants.format(index.earliestAsOf()))
          .with("latest_as_of", Instants.format(index.latestAsOf()))
          .with("nearest_before", before == null ? null : Instants.format(before))
          .with("nearest_after", after == null ? null : Instants.format(after));
      throw e;
    }
    boolean latest = at == index.latestAsOf();
    LatestList cached = latestList;
    if (latest && cached != null && cached.index() == index) {
      return HttpResponse.json(200, cached.body());
    }
    byte[] head =
        ("{\"as_of\":\""
                + Instants.format(at)
                + "\",\"table_version\":"
                + index.version()
                + ",\"count\":"
                + rows.size()
                + ",\"forecasts\":[")
            .getBytes(StandardCharsets.UTF_8);
    int length = head.length + 2 + Math.max(0, rows.size() - 1);
    for (RowJson row : rows) {
      length += row.length(index.suffix());
    }
    byte[] body = new byte[length];
    System.arraycopy(head, 0, body, 0, head.length);
    int offset = head.length;
    for (int i = 0; i < rows.size(); i++) {
      if (i > 0) {
        body[offset++] = ',';
      }
      offset = rows.get(i).copyTo(body, offset, index.suffix());
    }
    body[offset++] = ']';
    body[offset] = '}';
    if (latest) {
      latestList = new LatestList(index, body);
    }
    return HttpResponse.json(200, body);
  }

  private HttpResponse health(QueryParameters parameters) {
    ForecastStore.Serving serving = store.current();
    ForecastIndex index = serving.index();
    Instant lastPoll = store.lastPollAt();
    Long latest = index == null ? null : index.latestAsOf();
    long age =
        latest == null
            ? Long.MIN_VALUE
            : Duration.between(Instants.fromMicros(latest), clock.instant()).toSeconds();
    HealthAnswer cached = lastHealth;
    if (cached != null
        && cached.serving() == serving
        && cached.lastPoll() == lastPoll
        && cached.ageSeconds() == age) {
      return cached.response();
    }
    HttpResponse response = health(serving, index, lastPoll, latest, age);
    lastHealth = new HealthAnswer(serving, lastPoll, age, response);
    return response;
  }

  private HttpResponse health(
      ForecastStore.Serving serving, ForecastIndex index, Instant lastPoll, Long latest, long age) {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", serving.status());
    if (serving.reason() != null) {
      body.put("reason", serving.reason());
    }
    body.put("table", store.tablePath());
    if (index == null) {
      body.putNull("table_version");
      body.putNull("latest_as_of");
      body.putNull("latest_as_of_age_seconds");
      body.put("rows", 0);
    } else {
      body.put("table_version", index.version());
      body.put("latest_as_of", latest == null ? null : Instants.format(latest));
      if (latest == null) {
        body.putNull("latest_as_of_age_seconds");
      } else {
        body.put("latest_as_of_age_seconds", age);
      }
      body.put("rows", index.rows());
      body.put("as_ofs", index.asOfCount());
      body.put("symbols", index.symbols().size());
      body.put("loaded_at", index.loadedAt().toString());
    }
    body.put("last_poll_at", lastPoll == null ? null : lastPoll.toString());
    body.put("poll_interval_seconds", pollInterval.toMillis() / 1000.0);
    body.put("last_reload_error", serving.lastError());
    body.put(
        "last_reload_error_at",
        serving.lastErrorAt() == null ? null : serving.lastErrorAt().toString());
    return HttpResponse.json(serving.ok() ? 200 : 503, bytes(body));
  }

  private HttpResponse metrics(QueryParameters parameters) {
    return HttpResponse.of(200, Metrics.CONTENT_TYPE, metrics.scrape());
  }

  /** The served index, or a 503 saying why there is none. */
  private ForecastIndex serving() throws ApiError {
    ForecastStore.Serving serving = store.current();
    if (!serving.ok()) {
      throw new ApiError(503, serving.reason()).with("status", serving.status());
    }
    return serving.index();
  }

  private static NavigableSet<Integer> lookbacksOf(ForecastIndex index, String symbol) {
    TreeSet<Integer> all = new TreeSet<>();
    for (Integer h : index.horizons(symbol)) {
      all.addAll(index.lookbacks(symbol, h));
    }
    return all;
  }

  private static Map<String, Object> available(
      NavigableSet<String> symbols,
      NavigableSet<Integer> horizons,
      NavigableSet<Integer> lookbacks) {
    Map<String, Object> available = new LinkedHashMap<>();
    available.put("symbols", symbols);
    available.put("horizon_minutes", horizons);
    available.put("lookback_days", lookbacks);
    return available;
  }

  private static HttpResponse error(ApiError e) {
    return HttpResponse.json(e.status(), bytes(e.body()));
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
