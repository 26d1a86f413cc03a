package dev.forecaster.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/** The exact statistics of FORECASTING.md section 8 against values worked out by hand. */
class StatisticsTest {
  static final double Z = Statistics.Z_95;

  @Test
  void wilsonIntervalOfEightOutOfTen() {
    // p = 0.8, z² = 3.8414588, z²/n = 0.38414588, denominator 1.38414588
    // centre = 0.8 + z²/2n = 0.99207294
    // margin = z · sqrt(0.8 · 0.2 / 10 + z²/400) = 1.95996398 · sqrt(0.016 + 0.00960365)
    //        = 1.95996398 · 0.16001140 = 0.31361771
    // low = 0.67845523 / 1.38414588 = 0.4901625, high = 1.30569065 / 1.38414588 = 0.9433178
    Statistics.Interval w = Statistics.wilson(8, 10, Z);
    assertEquals(0.4901625, w.low(), 1e-6);
    assertEquals(0.9433178, w.high(), 1e-6);
  }

  @Test
  void wilsonIntervalAtTheEdgesAndWithNoData() {
    // k = n = 10: p(1 - p) = 0, so margin = z · z / 20 = z²/2n and the high end is
    // (1 + z²/20 + z²/20) / (1 + z²/10) = 1; the low end is 1 / (1 + z²/10).
    Statistics.Interval all = Statistics.wilson(10, 10, Z);
    assertEquals(1.0, all.high(), 1e-15);
    assertEquals(1 / (1 + Z * Z / 10), all.low(), 1e-15);
    // k = 0 mirrors it: [0, 1 - 1 / (1 + z²/10)]
    Statistics.Interval none = Statistics.wilson(0, 10, Z);
    assertEquals(0.0, none.low(), 1e-15);
    assertEquals(1 - 1 / (1 + Z * Z / 10), none.high(), 1e-15);
    // k = n / 2 is symmetric around 1/2
    Statistics.Interval half = Statistics.wilson(30, 60, Z);
    assertEquals(1.0, half.low() + half.high(), 1e-15);
    assertNull(Statistics.wilson(0, 0, Z));
  }

  @Test
  void binomialUpperTailIsExact() {
    // P(X >= 8 | 10, 1/2) = (C(10,8) + C(10,9) + C(10,10)) / 2^10 = (45 + 10 + 1) / 1024
    assertEquals(56.0 / 1024, Statistics.binomialUpperTail(8, 10), 1e-15);
    // P(X >= 5 | 10, 1/2) = (C(10,5) + ... + C(10,10)) / 1024 = (252 + 210 + 120 + 45 + 10 + 1) /
    // 1024
    assertEquals(638.0 / 1024, Statistics.binomialUpperTail(5, 10), 1e-15);
    assertEquals(1.0 / 1024, Statistics.binomialUpperTail(10, 10), 1e-18);
    assertEquals(1.0, Statistics.binomialUpperTail(0, 10));
    assertEquals(0.0, Statistics.binomialUpperTail(11, 10));
    assertEquals(1.0, Statistics.binomialUpperTail(0, 0));
    // A tiny p-value keeps its precision: P(X >= 60 | 60) = 2^-60 (not 1 - (1 - 2^-60) = 0).
    assertEquals(Math.pow(2, -60), Statistics.binomialUpperTail(60, 60), 1e-30);
  }

  @Test
  void mcnemarIsTheExactTwoSidedSignTest() {
    // b = 1, c = 6: 2 · P(X <= 1 | 7, 1/2) = 2 · (1 + 7) / 128 = 0.125
    assertEquals(0.125, Statistics.mcnemar(1, 6), 1e-15);
    assertEquals(0.125, Statistics.mcnemar(6, 1), 1e-15);
    // b = 0, c = 5: 2 · 1/32
    assertEquals(0.0625, Statistics.mcnemar(0, 5), 1e-15);
    // b = c = 3: 2 · P(X <= 3 | 6) = 2 · (1 + 6 + 15 + 20) / 64 = 1.3125, capped at 1
    assertEquals(1.0, Statistics.mcnemar(3, 3));
    // no discordant pair: 1
    assertEquals(1.0, Statistics.mcnemar(0, 0));
  }

  /** P(X <= k | n, 1/2) as an exact fraction: the sum of C(n, i) for i <= k over 2^n. */
  static double exactLowerTail(int k, int n) {
    BigInteger sum = BigInteger.ZERO;
    BigInteger c = BigInteger.ONE; // C(n, 0)
    for (int i = 0; i <= k; i++) {
      sum = sum.add(c);
      c = c.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
    }
    return new BigDecimal(sum)
        .divide(new BigDecimal(BigInteger.TWO.pow(n)), MathContext.DECIMAL128)
        .doubleValue();
  }

  @Test
  void tailsAgreeWithExactFractionsToTwelveSignificantDigits() {
    for (int n = 1; n <= 120; n++) {
      for (int k = 0; k <= n; k++) {
        // P(X >= k | n, 1/2) = P(X <= n - k) by symmetry
        double exact = exactLowerTail(n - k, n);
        assertEquals(exact, Statistics.binomialUpperTail(k, n), 1e-12 * exact, k + " of " + n);
      }
      for (int b = 0; b <= n; b++) {
        double exact = Math.min(1.0, 2 * exactLowerTail(Math.min(b, n - b), n));
        assertEquals(exact, Statistics.mcnemar(b, n - b), 1e-12 * exact, b + " vs " + (n - b));
      }
    }
  }
}
