package dev.forecaster.reader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One version of the forecasts table, indexed for the API and serialized once: symbol -> horizon ->
 * lookback -> as-of -> the row's JSON, and as-of -> all its rows. Immutable; the reader swaps whole
 * indexes, so a request sees one version only.
 */
public final class ForecastIndex {
  private static final JsonFactory JSON = new JsonFactory();

  private final long version;
  private final Instant loadedAt;
  private final int rows;
  private final Map<String, Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>>> series;
  private final NavigableMap<Long, List<RowJson>> byAsOf;
  private final NavigableSet<String> symbols;
  private final NavigableSet<Integer> horizons;
  private final NavigableSet<Integer> lookbacks;

  private ForecastIndex(
      long version,
      Instant loadedAt,
      int rows,
      Map<String, Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>>> series,
      NavigableMap<Long, List<RowJson>> byAsOf) {
    this.version = version;
    this.loadedAt = loadedAt;
    this.rows = rows;
    this.series = series;
    this.byAsOf = byAsOf;
    this.symbols = Collections.unmodifiableNavigableSet(new TreeSet<>(series.keySet()));
    TreeSet<Integer> h = new TreeSet<>();
    TreeSet<Integer> l = new TreeSet<>();
    for (Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>> bySymbol : series.values()) {
      h.addAll(bySymbol.keySet());
      bySymbol.values().forEach(byHorizon -> l.addAll(byHorizon.keySet()));
    }
    this.horizons = Collections.unmodifiableNavigableSet(h);
    this.lookbacks = Collections.unmodifiableNavigableSet(l);
  }

  /**
   * Builds the index of one table version. Two rows with one key (which MERGE never writes) keep
   * the later created_at.
   */
  public static ForecastIndex build(long version, List<ForecastRow> rows, Instant loadedAt) {
    List<ForecastRow> sorted = new ArrayList<>(rows);
    sorted.sort(
        Comparator.comparingLong(ForecastRow::asOfMicros)
            .thenComparing(ForecastRow::symbol)
            .thenComparingInt(ForecastRow::horizonMinutes)
            .thenComparingInt(ForecastRow::lookbackDays)
            .thenComparing(
                ForecastRow::createdAtMicros, Comparator.nullsFirst(Comparator.naturalOrder())));
    Map<String, Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>>> series = new HashMap<>();
    Map<ByteBuffer, byte[]> sharedFeatures = new HashMap<>();
    int count = 0;
    for (ForecastRow row : sorted) {
      RowJson json = serialize(row, version, sharedFeatures);
      RowJson previous =
          series
              .computeIfAbsent(row.symbol(), s -> new HashMap<>())
              .computeIfAbsent(row.horizonMinutes(), h -> new HashMap<>())
              .computeIfAbsent(row.lookbackDays(), l -> new TreeMap<>())
              .put(row.asOfMicros(), json);
      if (previous == null) {
        count++;
      }
    }
    NavigableMap<Long, List<RowJson>> byAsOf = new TreeMap<>();
    List<String> symbolOrder = new ArrayList<>(series.keySet());
    Collections.sort(symbolOrder);
    for (String symbol : symbolOrder) {
      Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>> bySymbol = series.get(symbol);
      for (Integer horizon : new TreeSet<>(bySymbol.keySet())) {
        Map<Integer, NavigableMap<Long, RowJson>> byHorizon = bySymbol.get(horizon);
        for (Integer lookback : new TreeSet<>(byHorizon.keySet())) {
          for (Map.Entry<Long, RowJson> e : byHorizon.get(lookback).entrySet()) {
            byAsOf.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
          }
        }
      }
    }
    return new ForecastIndex(version, loadedAt, count, series, byAsOf);
  }

  public long version() {
    return version;
  }

  public Instant loadedAt() {
    return loadedAt;
  }

  public int rows() {
    return rows;
  }

  public boolean isEmpty() {
    return rows == 0;
  }

  public int asOfCount() {
    return byAsOf.size();
  }

  /** The latest as-of of the table, or null when it is empty. */
  public Long latestAsOf() {
    return byAsOf.isEmpty() ? null : byAsOf.lastKey();
  }

  public Long earliestAsOf() {
    return byAsOf.isEmpty() ? null : byAsOf.firstKey();
  }

  public NavigableSet<String> symbols() {
    return symbols;
  }

  public NavigableSet<Integer> horizons() {
    return horizons;
  }

  public NavigableSet<Integer> lookbacks() {
    return lookbacks;
  }

  /** Horizons of one symbol (empty when the symbol is unknown). */
  public NavigableSet<Integer> horizons(String symbol) {
    Map<Integer, ?> bySymbol = series.get(symbol);
    return bySymbol == null ? Collections.emptyNavigableSet() : new TreeSet<>(bySymbol.keySet());
  }

  /** Lookbacks of one symbol and horizon (empty when either is unknown). */
  public NavigableSet<Integer> lookbacks(String symbol, int horizon) {
    Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>> bySymbol = series.get(symbol);
    Map<Integer, ?> byHorizon = bySymbol == null ? null : bySymbol.get(horizon);
    return byHorizon == null ? Collections.emptyNavigableSet() : new TreeSet<>(byHorizon.keySet());
  }

  /** The as-of -> row map of one series, or null when it does not exist. */
  NavigableMap<Long, RowJson> series(String symbol, int horizon, int lookback) {
    Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>> bySymbol = series.get(symbol);
    Map<Integer, NavigableMap<Long, RowJson>> byHorizon =
        bySymbol == null ? null : bySymbol.get(horizon);
    return byHorizon == null ? null : byHorizon.get(lookback);
  }

  /** All rows of exactly one as-of (sorted by symbol, horizon, lookback), or null. */
  List<RowJson> rowsAt(long asOfMicros) {
    return byAsOf.get(asOfMicros);
  }

  Long asOfBefore(long asOfMicros) {
    return byAsOf.lowerKey(asOfMicros);
  }

  Long asOfAfter(long asOfMicros) {
    return byAsOf.higherKey(asOfMicros);
  }

  private static RowJson serialize(
      ForecastRow row, long version, Map<ByteBuffer, byte[]> sharedFeatures) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("symbol", row.symbol());
      g.writeStringField("as_of", Instants.format(row.asOfMicros()));
      g.writeNumberField("horizon_minutes", row.horizonMinutes());
      number(g, "expected_return", row.expectedReturn());
      g.writeStringField("direction", row.direction());
      number(g, "confidence", row.confidence());
      g.writeNumberField("lookback_days", row.lookbackDays());
      if (row.nPoints() == null) {
        g.writeNullField("n_points");
      } else {
        g.writeNumberField("n_points", row.nPoints());
      }
      g.writeStringField("model_type", row.modelType());
      g.writeStringField("model_name", row.modelName());
      g.writeStringField("model_version", row.modelVersion());
      g.writeStringField("regime", row.regime());
      number(g, "regime_score", row.regimeScore());
      g.writeFieldName("features");
      g.flush();
      int featuresStart = out.size();
      SortedMap<String, Double> features = row.features();
      if (features == null) {
        g.writeNull();
      } else {
        g.writeStartObject();
        for (Map.Entry<String, Double> f : features.entrySet()) {
          number(g, f.getKey(), f.getValue());
        }
        g.writeEndObject();
      }
      g.flush();
      int featuresEnd = out.size();
      number(g, "p_up", row.pUp());
      g.writeStringField("fallback_reason", row.fallbackReason());
      g.writeStringField("run_id", row.runId());
      g.writeStringField(
          "created_at",
          row.createdAtMicros() == null ? null : Instants.format(row.createdAtMicros()));
      g.writeNumberField("table_version", version);
      g.writeEndObject();
      g.flush();
      byte[] all = out.toByteArray();
      byte[] featureBytes = Arrays.copyOfRange(all, featuresStart, featuresEnd);
      byte[] shared = sharedFeatures.putIfAbsent(ByteBuffer.wrap(featureBytes), featureBytes);
      return new RowJson(
          row.asOfMicros(),
          row.runId(),
          Arrays.copyOfRange(all, 0, featuresStart),
          shared != null ? shared : featureBytes,
          Arrays.copyOfRange(all, featuresEnd, all.length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Numbers as JSON numbers; null, NaN and infinities (not JSON) as null. */
  private static void number(JsonGenerator g, String field, Double value) throws IOException {
    if (value == null || value.isNaN() || value.isInfinite()) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, value);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
