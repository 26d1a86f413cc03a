package dev.forecaster.backtest;

import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Counts of the included backtest pairs of one symbol (or of all, with symbol null): n, correct ML
 * and naive forecasts, discordant pairs b (ML right, naive wrong) and c (naive right, ML wrong),
 * the sum of squared p_up errors, and pairs left out because a forecast was missing.
 */
public record SymbolCounts(
    String symbol,
    long n,
    long mlCorrect,
    long naiveCorrect,
    long b,
    long c,
    double brierSum,
    long nMissing) {

  /** From a row of {@link BacktestPredictions#countsBySymbol}. */
  public static SymbolCounts of(Row r) {
    return new SymbolCounts(
        r.getString(r.fieldIndex("symbol")),
        r.getLong(r.fieldIndex("n")),
        r.getLong(r.fieldIndex("ml_correct")),
        r.getLong(r.fieldIndex("naive_correct")),
        r.getLong(r.fieldIndex("b")),
        r.getLong(r.fieldIndex("c")),
        r.getDouble(r.fieldIndex("brier_sum")),
        r.getLong(r.fieldIndex("n_missing")));
  }

  /** The sum over symbols (symbol null: the overall line). */
  public static SymbolCounts total(List<SymbolCounts> bySymbol) {
    long n = 0, ml = 0, naive = 0, b = 0, c = 0, missing = 0;
    double brier = 0;
    for (SymbolCounts s : bySymbol) {
      n += s.n;
      ml += s.mlCorrect;
      naive += s.naiveCorrect;
      b += s.b;
      c += s.c;
      brier += s.brierSum;
      missing += s.nMissing;
    }
    return new SymbolCounts(null, n, ml, naive, b, c, brier, missing);
  }
}
