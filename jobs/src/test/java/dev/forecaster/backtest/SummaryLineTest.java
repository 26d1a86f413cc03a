package dev.forecaster.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A report line from its counts (FORECASTING.md section 8), and the overall sum. */
class SummaryLineTest {
  @Test
  void aSymbolLineFromItsCounts() {
    // 10 pairs: ML right on 8, naive on 5; b = 4 (ML right, naive wrong), c = 1; 2 left out
    SummaryLine l = SummaryLine.of(new SymbolCounts("A", 10, 8, 5, 4, 1, 1.2, 2), 10_080);
    assertEquals("A", l.symbol());
    assertEquals(10, l.n());
    assertEquals(2, l.nMissing());
    assertEquals(0.8, l.mlAccuracy(), 1e-15);
    assertEquals(0.5, l.naiveAccuracy(), 1e-15);
    assertEquals(30.0, l.improvementPp(), 1e-12); // (0.8 - 0.5) · 100
    assertEquals(0.4901625, l.wilson().low(), 1e-6); // see StatisticsTest
    assertEquals(0.9433178, l.wilson().high(), 1e-6);
    assertEquals(56.0 / 1024, l.binomialP(), 1e-15); // P(X >= 8 | 10)
    assertEquals(0.375, l.mcnemarP(), 1e-15); // 2 · P(X <= 1 | 5) = 2 · (1 + 5) / 32
    assertEquals(10 / 7.0, l.effectiveN(), 1e-12); // n / (10080 / 1440)
    assertEquals(0.12, l.brier(), 1e-15); // 1.2 / 10
    assertTrue(l.mlBeatsNaive());
  }

  @Test
  void aLineWithoutPairsHasNoAccuracies() {
    SummaryLine l = SummaryLine.of(new SymbolCounts("B", 0, 0, 0, 0, 0, 0.0, 7), 1_440);
    assertEquals(7, l.nMissing());
    assertNull(l.mlAccuracy());
    assertNull(l.naiveAccuracy());
    assertNull(l.improvementPp());
    assertNull(l.wilson());
    assertNull(l.brier());
    assertEquals(1.0, l.binomialP());
    assertEquals(1.0, l.mcnemarP());
    assertEquals(0.0, l.effectiveN());
    assertFalse(l.mlBeatsNaive());
  }

  @Test
  void effectiveNDividesByTheHorizonInDays() {
    SymbolCounts c = new SymbolCounts("A", 60, 30, 30, 0, 0, 0.0, 0);
    assertEquals(60.0, SummaryLine.of(c, 1_440).effectiveN(), 1e-12);
    assertEquals(2.0, SummaryLine.of(c, 43_200).effectiveN(), 1e-12); // 60 / 30
    assertEquals(240.0, SummaryLine.of(c, 360).effectiveN(), 1e-12); // 60 / 0.25
    assertFalse(SummaryLine.of(c, 1_440).mlBeatsNaive()); // a tie is not a win
  }

  @Test
  void theOverallCountsAreTheSumsOverSymbols() {
    SymbolCounts total =
        SymbolCounts.total(
            List.of(
                new SymbolCounts("A", 10, 8, 5, 4, 1, 1.25, 2),
                new SymbolCounts("B", 6, 2, 3, 1, 2, 0.5, 1)));
    assertEquals(new SymbolCounts(null, 16, 10, 8, 5, 3, 1.75, 3), total);
    SummaryLine overall = SummaryLine.of(total, 10_080);
    assertNull(overall.symbol());
    assertEquals(0.625, overall.mlAccuracy(), 1e-15); // 10 / 16
    assertEquals(12.5, overall.improvementPp(), 1e-12); // (10 - 8) / 16 · 100
    assertEquals(0.7265625, overall.mcnemarP(), 1e-15); // 2 · (1 + 8 + 28 + 56) / 256
  }
}
