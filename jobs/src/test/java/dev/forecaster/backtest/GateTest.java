package dev.forecaster.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each criterion of the gate (FORECASTING.md section 8) passing and failing on its own, with the
 * default thresholds: +2 pp overall, 50% on every symbol, beats naive on 2/3 of the symbols, no
 * leakage. Every symbol has n = 10 pairs.
 */
class GateTest {
  static final ForecasterConfig.Gate DEFAULTS = ConfigLoader.defaults().gate();
  static final int H = 10_080;

  /** A symbol line with 10 pairs, {@code ml} and {@code naive} of them correct. */
  static SummaryLine line(String symbol, long ml, long naive) {
    return line(symbol, 10, ml, naive);
  }

  static SummaryLine line(String symbol, long n, long ml, long naive) {
    // b, c and the Brier sum do not enter the gate
    return SummaryLine.of(new SymbolCounts(symbol, n, ml, naive, 0, 0, 0.0, 0), H);
  }

  static Gate.Result evaluate(long leakage, SummaryLine... symbols) {
    List<SymbolCounts> counts = new ArrayList<>();
    for (SummaryLine s : symbols) {
      counts.add(
          new SymbolCounts(s.symbol(), s.n(), s.mlCorrect(), s.naiveCorrect(), 0, 0, 0.0, 0));
    }
    SummaryLine overall = SummaryLine.of(SymbolCounts.total(counts), H);
    return Gate.evaluate(overall, List.of(symbols), leakage, DEFAULTS);
  }

  @Test
  void defaultThresholdsAreTheSeedSystemCriteria() {
    assertEquals(2.0, DEFAULTS.minImprovementPp());
    assertEquals(0.5, DEFAULTS.minSymbolAccuracy());
    assertEquals(2.0 / 3, DEFAULTS.minBeatShare(), 1e-12);
  }

  @Test
  void passesWhenEveryCriterionHolds() {
    // 21/30 = 70% vs 15/30 = 50%: +20 pp; every symbol 70%; ML beats naive on 3 of 3
    Gate.Result r = evaluate(0, line("A", 7, 5), line("B", 7, 5), line("C", 7, 5));
    assertEquals(Gate.Outcome.PASSED, r.outcome());
    assertEquals(List.of(), r.failures());
    assertTrue(r.passed());
  }

  @Test
  void failsOnTheOverallImprovementAlone() {
    // overall 17/30 vs 17/30: +0 pp < 2 pp. Symbols: 60%, 60%, 50% (all >= 50%); beats on A and
    // B, not C: 2 of 3, exactly the 2/3 needed.
    Gate.Result r = evaluate(0, line("A", 6, 5), line("B", 6, 5), line("C", 5, 7));
    assertEquals(Gate.Outcome.FAILED, r.outcome());
    assertEquals(1, r.failures().size(), r.failures()::toString);
    assertTrue(r.failures().get(0).startsWith("overall ML accuracy 56.7%"), r.failures()::toString);
  }

  @Test
  void anImprovementOfExactlyTwoPointsPasses() {
    // overall ML 57/100 vs naive 55/100 = +2 pp exactly, but 0.57 - 0.55 computes as
    // 0.019999999999999907 in doubles: the gate must still accept it
    Gate.Result r = evaluate(0, line("A", 50, 29, 28), line("B", 50, 28, 27));
    assertEquals(Gate.Outcome.PASSED, r.outcome(), r.failures()::toString);
    // 56 vs 55: +1 pp fails
    Gate.Result below = evaluate(0, line("A", 50, 29, 28), line("B", 50, 27, 27));
    assertEquals(Gate.Outcome.FAILED, below.outcome());
    assertTrue(below.failures().get(0).startsWith("overall ML accuracy 56.0%"), below::toString);
  }

  @Test
  void failsOnOneSymbolBelowFiftyPercentAlone() {
    // overall 22/30 vs 13/30 = +30 pp; ML beats naive on all 3; but C is at 4/10 = 40% < 50%
    Gate.Result r = evaluate(0, line("A", 9, 5), line("B", 9, 5), line("C", 4, 3));
    assertEquals(Gate.Outcome.FAILED, r.outcome());
    assertEquals(List.of("C: ML accuracy 40.0% is below 50.0%"), r.failures());
  }

  @Test
  void failsOnBeatingNaiveOnTooFewSymbolsAlone() {
    // overall 22/30 vs 14/30 = +26.7 pp; every symbol >= 60%; but only A beats naive (B and C tie:
    // "beats" means strictly more correct), 1 of 3 < 2/3
    Gate.Result r = evaluate(0, line("A", 10, 2), line("B", 6, 6), line("C", 6, 6));
    assertEquals(Gate.Outcome.FAILED, r.outcome());
    assertEquals(List.of("ML beats naive on 1 of 3 symbols, fewer than 67%"), r.failures());
  }

  @Test
  void leakageIsNeverGated() {
    // the numbers of the passing case, with 3 leaking training samples
    Gate.Result r = evaluate(3, line("A", 7, 5), line("B", 7, 5), line("C", 7, 5));
    assertEquals(Gate.Outcome.LEAKAGE, r.outcome());
    assertEquals(
        List.of("leakage guard: 3 training samples have t + h after the window start"),
        r.failures());
    // leakage wins over failing numbers too
    assertEquals(Gate.Outcome.LEAKAGE, evaluate(1, line("A", 0, 10)).outcome());
  }

  @Test
  void symbolsWithoutPairsDoNotCountAndNoPairsAtAllFails() {
    // D has no included pair: it is neither below 50% nor a symbol ML fails to beat on (2 of 2)
    Gate.Result r = evaluate(0, line("A", 7, 5), line("B", 7, 5), line("D", 0, 0, 0));
    assertEquals(Gate.Outcome.PASSED, r.outcome(), r.failures()::toString);
    Gate.Result empty = evaluate(0, line("D", 0, 0, 0));
    assertEquals(Gate.Outcome.FAILED, empty.outcome());
    assertEquals(
        List.of("no backtest pairs: the window has no sample with both forecasts"),
        empty.failures());
  }

  static final ForecasterConfig.Gate WILSON =
      new ForecasterConfig.Gate(2.0, 0.5, 2.0 / 3, ForecasterConfig.SymbolRule.WILSON);

  @Test
  void theWilsonRuleFailsASymbolOnlyWhenItsWholeIntervalIsBelowHalf() {
    // 4/10: Wilson 95% [16.8%, 68.7%] reaches 50%: not a failure under "wilson", one under "seed".
    // 0/10: [0, 1 - 1/(1 + z^2/10)] = [0, 27.8%]: a failure under both.
    SummaryLine a = line("A", 10, 9, 2);
    SummaryLine b = line("B", 10, 9, 2);
    SummaryLine weak = line("C", 10, 4, 3);
    List<SymbolCounts> counts = new ArrayList<>();
    for (SummaryLine s : List.of(a, b, weak)) {
      counts.add(new SymbolCounts(s.symbol(), s.n(), s.mlCorrect(), s.naiveCorrect(), 0, 0, 0, 0));
    }
    SummaryLine overall = SummaryLine.of(SymbolCounts.total(counts), H);
    assertEquals(
        Gate.Outcome.FAILED, Gate.evaluate(overall, List.of(a, b, weak), 0, DEFAULTS).outcome());
    assertEquals(
        Gate.Outcome.PASSED, Gate.evaluate(overall, List.of(a, b, weak), 0, WILSON).outcome());
    SummaryLine zero = line("C", 10, 0, 0);
    counts.set(2, new SymbolCounts("C", 10, 0, 0, 0, 0, 0, 0));
    Gate.Result r =
        Gate.evaluate(
            SummaryLine.of(SymbolCounts.total(counts), H), List.of(a, b, zero), 0, WILSON);
    assertEquals(Gate.Outcome.FAILED, r.outcome());
    assertEquals(
        List.of(
            "C: ML accuracy 0.0% with its Wilson 95% interval [0.0%, 27.8%] wholly below 50.0%"),
        r.failures());
  }

  @Test
  void theSeedRuleRejectsATruly55PercentModelOnManySymbolsByChanceAlone() {
    // n = 60 pairs per symbol, true accuracy 0.55 everywhere, symbols independent.
    // Seed rule: a symbol passes when k >= 30, so P(reject) = 1 - P(K >= 30)^N.
    // Wilson rule: a symbol fails when the upper end of its interval is below 50%: k <= 22 for
    // n = 60 (upper(22/60) = 49.6%, upper(23/60) = 50.9%).
    int n = 60;
    double p = 0.55;
    double seedPass = 0;
    double wilsonPass = 0;
    for (int k = 0; k <= n; k++) {
      // the binomial pmf by logs: a second method next to commons-math3 below
      double log =
          org.apache.commons.math3.special.Gamma.logGamma(n + 1.0)
              - org.apache.commons.math3.special.Gamma.logGamma(k + 1.0)
              - org.apache.commons.math3.special.Gamma.logGamma(n - k + 1.0)
              + k * Math.log(p)
              + (n - k) * Math.log(1 - p);
      double pmf = Math.exp(log);
      if (k * 2 >= n) {
        seedPass += pmf;
      }
      if (Statistics.wilson(k, n, Statistics.Z_95).high() >= 0.5) {
        wilsonPass += pmf;
      }
    }
    var binomial = new org.apache.commons.math3.distribution.BinomialDistribution(null, n, p);
    assertEquals(1 - binomial.cumulativeProbability(29), seedPass, 1e-12);
    assertEquals(1 - binomial.cumulativeProbability(22), wilsonPass, 1e-12);
    assertTrue(Statistics.wilson(22, n, Statistics.Z_95).high() < 0.5);
    assertTrue(Statistics.wilson(23, n, Statistics.Z_95).high() >= 0.5);
    // P(the gate's criterion 2 rejects the model) on N symbols: seed vs wilson
    double[][] expected = {
      // N, seed, wilson
      {1, 0.18173, 0.00325},
      {4, 0.55168, 0.01294},
      {23, 0.99008, 0.07216},
      {100, 1.00000, 0.27792},
      {1000, 1.00000, 0.96147},
    };
    for (double[] row : expected) {
      int symbols = (int) row[0];
      assertEquals(row[1], 1 - Math.pow(seedPass, symbols), 5e-6, "seed, N = " + symbols);
      assertEquals(row[2], 1 - Math.pow(wilsonPass, symbols), 5e-6, "wilson, N = " + symbols);
    }
  }
}
