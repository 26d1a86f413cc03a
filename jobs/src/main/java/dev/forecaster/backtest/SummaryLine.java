package dev.forecaster.backtest;

/**
 * One line of the backtest report (FORECASTING.md section 8), per symbol or overall (symbol null):
 * accuracies, improvement in percentage points, Wilson 95% interval of the ML accuracy, exact
 * one-sided binomial p against 50%, exact McNemar p against naive, effective n and Brier score.
 * Accuracies and Brier are null when n = 0.
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
    boolean mlBeatsNaive) {

  public static SummaryLine of(SymbolCounts c, int horizonMinutes) {
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
        c.mlCorrect() > c.naiveCorrect());
  }
}
