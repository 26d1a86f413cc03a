package dev.forecaster.backtest;

import org.apache.commons.math3.special.Beta;

/**
 * The exact statistics of FORECASTING.md section 8. Binomial tails come from commons-math3's
 * regularized incomplete beta function (on Spark's classpath): {@code P(X <= k | n, 1/2) = I_1/2(n
 * - k, k + 1)}, evaluated directly so that small p-values keep their precision instead of being
 * computed as 1 minus a number close to 1 (which {@code BinomialDistribution.cumulativeProbability}
 * does); upper tails use the symmetry of Binomial(n, 1/2).
 */
public final class Statistics {
  /** The 97.5% normal quantile: the z of a 95% Wilson interval. */
  public static final double Z_95 = 1.959963984540054;

  private Statistics() {}

  /** A closed interval. */
  public record Interval(double low, double high) {}

  /**
   * Wilson score interval of a proportion k / n with the given z; null when n = 0.
   *
   * <p>{@code (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)} with p = k / n.
   */
  public static Interval wilson(long k, long n, double z) {
    if (n == 0) {
      return null;
    }
    double p = (double) k / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = p + z2 / (2.0 * n);
    double margin = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new Interval((centre - margin) / denominator, (centre + margin) / denominator);
  }

  /** {@code P(X >= k | n, 1/2)}: the one-sided exact binomial p-value against 50%. */
  public static double binomialUpperTail(long k, long n) {
    if (k <= 0) {
      return 1.0;
    }
    if (k > n) {
      return 0.0;
    }
    // P(X >= k) = P(X <= n - k) for p = 1/2.
    return lowerTail(n - k, n);
  }

  /**
   * Exact McNemar p-value from the discordant pairs: {@code min(1, 2·P(X <= min(b, c) | b + c,
   * 1/2))}, and 1 when b + c = 0.
   *
   * @param b pairs the first method got right and the second wrong
   * @param c pairs the second got right and the first wrong
   */
  public static double mcnemar(long b, long c) {
    long n = b + c;
    if (n == 0) {
      return 1.0;
    }
    return Math.min(1.0, 2 * lowerTail(Math.min(b, c), n));
  }

  /** {@code P(X <= k | n, 1/2)}. */
  private static double lowerTail(long k, long n) {
    if (k < 0) {
      return 0.0;
    }
    if (k >= n) {
      return 1.0;
    }
    return Beta.regularizedBeta(0.5, n - k, k + 1.0);
  }
}
