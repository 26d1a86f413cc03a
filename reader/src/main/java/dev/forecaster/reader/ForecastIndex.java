package dev.forecaster.reader;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One version of the forecasts table, indexed for the API and serialized once: symbol -> horizon ->
 * lookback -> as-of -> the row's JSON, and as-of -> all its rows. Immutable; the reader swaps whole
 * indexes, so a request sees one version only.
 */
public final class ForecastIndex {
  private final long version;
  private final Instant loadedAt;
  private final int rows;
  private final byte[] suffix;
  private final Map<String, List<RowJson>> files;
  private final Map<String, Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>>> series;
  private final NavigableMap<Long, List<RowJson>> byAsOf;
  private final NavigableSet<String> symbols;
  private final NavigableSet<Integer> horizons;
  private final NavigableSet<Integer> lookbacks;

  /** Horizons by symbol, and lookbacks by symbol and horizon: asked by every request. */
  private final Map<String, NavigableSet<Integer>> horizonsOf = new HashMap<>();

  private final Map<String, Map<Integer, NavigableSet<Integer>>> lookbacksOf = new HashMap<>();

  private ForecastIndex(
      long version,
      Instant loadedAt,
      int rows,
      Map<String, List<RowJson>> files,
      Map<String, Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>>> series,
      NavigableMap<Long, List<RowJson>> byAsOf) {
    this.version = version;
    this.loadedAt = loadedAt;
    this.rows = rows;
    this.suffix = RowSerializer.suffix(version);
    this.files = files;
    this.series = series;
    this.byAsOf = byAsOf;
    this.symbols = Collections.unmodifiableNavigableSet(new TreeSet<>(series.keySet()));
    TreeSet<Integer> h = new TreeSet<>();
    TreeSet<Integer> l = new TreeSet<>();
    series.forEach(
        (symbol, bySymbol) -> {
          h.addAll(bySymbol.keySet());
          horizonsOf.put(
              symbol, Collections.unmodifiableNavigableSet(new TreeSet<>(bySymbol.keySet())));
          Map<Integer, NavigableSet<Integer>> lookbacksOfSymbol = new HashMap<>();
          bySymbol.forEach(
              (horizon, byHorizon) -> {
                l.addAll(byHorizon.keySet());
                lookbacksOfSymbol.put(
                    horizon,
                    Collections.unmodifiableNavigableSet(new TreeSet<>(byHorizon.keySet())));
              });
          lookbacksOf.put(symbol, lookbacksOfSymbol);
        });
    this.horizons = Collections.unmodifiableNavigableSet(h);
    this.lookbacks = Collections.unmodifiableNavigableSet(l);
  }

  /**
   * Builds the index of one table version from its rows by data file. Two rows with one key (which
   * MERGE never writes) keep the later created_at.
   */
  public static ForecastIndex build(
      long version, Map<String, List<RowJson>> files, Instant loadedAt) {
    Map<String, Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>>> series = new HashMap<>();
    int count = 0;
    for (List<RowJson> file : files.values()) {
      for (RowJson row : file) {
        NavigableMap<Long, RowJson> byAsOf =
            series
                .computeIfAbsent(row.symbol, s -> new HashMap<>())
                .computeIfAbsent(row.horizonMinutes, h -> new HashMap<>())
                .computeIfAbsent(row.lookbackDays, l -> new TreeMap<>());
        RowJson previous = byAsOf.putIfAbsent(row.asOfMicros, row);
        if (previous == null) {
          count++;
        } else if (row.createdAtMicros > previous.createdAtMicros) {
          byAsOf.put(row.asOfMicros, row);
        }
      }
    }
    NavigableMap<Long, List<RowJson>> byAsOf = new TreeMap<>();
    for (String symbol : new TreeSet<>(series.keySet())) {
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
    return new ForecastIndex(version, loadedAt, count, files, series, byAsOf);
  }

  /** The rows of each data file of this version, for the next load to reuse. */
  Map<String, List<RowJson>> files() {
    return files;
  }

  /** What ends every row's JSON in this version: {@code ,"table_version":N}}. */
  byte[] suffix() {
    return suffix;
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
    return horizonsOf.getOrDefault(symbol, Collections.emptyNavigableSet());
  }

  /** Lookbacks of one symbol and horizon (empty when either is unknown). */
  public NavigableSet<Integer> lookbacks(String symbol, int horizon) {
    Map<Integer, NavigableSet<Integer>> bySymbol = lookbacksOf.get(symbol);
    NavigableSet<Integer> lookbacks = bySymbol == null ? null : bySymbol.get(horizon);
    return lookbacks == null ? Collections.emptyNavigableSet() : lookbacks;
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
}
