package dev.forecaster.backtest;

/**
 * One line of the backtest report (FORECASTING.md section 8), per symbol or overall (symbol null):
 * accuracies, improvement in percentage points, Wilson 95% interval of the ML accuracy, exact
 * one-sided binomial p against 50%, exact McNemar p against naive, effective n and Brier score; and
 * the overlap-aware tests of section 9 (ML vs naive, ML vs 50%). Accuracies and Brier are null when
 * n = 0.
 */
public record SummaryLine(
    String symbol,
    long n,
    long nMissing,
    long mlCorrect,
    long naiveCorrect,
    Double mlAccuracy,
    Double naiveAccuracy,
    Double improvementPp,
    Statistics.Interval wilson,
    double binomialP,
    double mcnemarP,
    double effectiveN,
    Double brier,
    boolean mlBeatsNaive,
    Hac.Result hac,
    Hac.Result hacVsHalf) {

  /** The section 8 line alone: both HAC results empty (for callers without the pairs). */
  public static SummaryLine of(SymbolCounts c, int horizonMinutes) {
    return of(c, horizonMinutes, null);
  }

  /**
   * @param pairs the included pairs of the line (c_A = ML correct, c_B = naive correct), or null
   */
  public static SummaryLine of(SymbolCounts c, int horizonMinutes, java.util.List<Hac.Pair> pairs) {
    Double ml = c.n() == 0 ? null : (double) c.mlCorrect() / c.n();
    Double naive = c.n() == 0 ? null : (double) c.naiveCorrect() / c.n();
    return new SummaryLine(
        c.symbol(),
        c.n(),
        c.nMissing(),
        c.mlCorrect(),
        c.naiveCorrect(),
        ml,
        naive,
        c.n() == 0 ? null : (ml - naive) * 100,
        Statistics.wilson(c.mlCorrect(), c.n(), Statistics.Z_95),
        Statistics.binomialUpperTail(c.mlCorrect(), c.n()),
        Statistics.mcnemar(c.b(), c.c()),
        c.n() / (horizonMinutes / 1440.0),
        c.n() == 0 ? null : c.brierSum() / c.n(),
        c.mlCorrect() > c.naiveCorrect(),
        pairs == null ? Hac.Result.EMPTY : Hac.test(pairs, horizonMinutes),
        pairs == null ? Hac.Result.EMPTY : Hac.testVsHalf(pairs, horizonMinutes));
  }
}
