package dev.forecaster.reader;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
  private final Map<String, Map<Integer, Map<Integer, Series>>> series;
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
      Map<String, Map<Integer, Map<Integer, Series>>> series,
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
    Map<String, Map<Integer, Map<Integer, Series>>> sorted = new HashMap<>();
    for (String symbol : new TreeSet<>(series.keySet())) {
      Map<Integer, Map<Integer, NavigableMap<Long, RowJson>>> bySymbol = series.get(symbol);
      Map<Integer, Map<Integer, Series>> sortedBySymbol = new HashMap<>();
      sorted.put(symbol, sortedBySymbol);
      for (Integer horizon : new TreeSet<>(bySymbol.keySet())) {
        Map<Integer, NavigableMap<Long, RowJson>> byHorizon = bySymbol.get(horizon);
        Map<Integer, Series> sortedByHorizon = new HashMap<>();
        sortedBySymbol.put(horizon, sortedByHorizon);
        for (Integer lookback : new TreeSet<>(byHorizon.keySet())) {
          NavigableMap<Long, RowJson> rowsOfSeries = byHorizon.get(lookback);
          for (Map.Entry<Long, RowJson> e : rowsOfSeries.entrySet()) {
            byAsOf.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
          }
          sortedByHorizon.put(lookback, new Series(rowsOfSeries));
        }
      }
    }
    return new ForecastIndex(version, loadedAt, count, files, sorted, byAsOf);
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

  /** Whether the table has rows of this symbol. */
  boolean hasSymbol(String symbol) {
    return series.containsKey(symbol);
  }

  /** The rows of one series by as-of, or null when it does not exist. */
  Series series(String symbol, int horizon, int lookback) {
    Map<Integer, Map<Integer, Series>> bySymbol = series.get(symbol);
    Map<Integer, Series> byHorizon = bySymbol == null ? null : bySymbol.get(horizon);
    return byHorizon == null ? null : byHorizon.get(lookback);
  }

  /**
   * The rows of one symbol, horizon and lookback in as-of order, in two arrays: a request's lookup
   * is a binary search over primitive longs (a TreeMap's boxed keys cost a comparison call per
   * step, and its entries ~40 bytes a row more).
   */
  static final class Series {
    private final long[] asOfs;
    private final RowJson[] rows;

    private Series(NavigableMap<Long, RowJson> byAsOf) {
      asOfs = new long[byAsOf.size()];
      rows = new RowJson[byAsOf.size()];
      int i = 0;
      for (Map.Entry<Long, RowJson> e : byAsOf.entrySet()) {
        asOfs[i] = e.getKey();
        rows[i++] = e.getValue();
      }
    }

    /** The row of the latest as-of (a series is never empty). */
    RowJson latest() {
      return rows[rows.length - 1];
    }

    /** The row of the latest as-of at or before {@code asOfMicros}, or null when there is none. */
    RowJson floor(long asOfMicros) {
      int at = Arrays.binarySearch(asOfs, asOfMicros);
      int i = at >= 0 ? at : -at - 2;
      return i < 0 ? null : rows[i];
    }

    long earliestAsOf() {
      return asOfs[0];
    }
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
