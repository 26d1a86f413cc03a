package dev.forecaster.backtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.special.Erf;

/**
 * Overlap-aware significance of FORECASTING.md section 9: a Newey-West (Bartlett kernel) standard
 * error of the mean daily accuracy difference between two forecasters, with lag {@code L = ceil(h /
 * 1440) - 1}, because daily as-ofs with an h-day horizon share h - 1 days of their label windows
 * and the exact tests of section 8 treat them as independent.
 */
public final class Hac {
  private Hac() {}

  /**
   * One test: {@code diff} = Dbar, and se, z, one-sided p (A better than B), null when {@code T <=
   * L + 1} or the variance is not positive. {@code diff} is null only without any as-of.
   */
  public record Result(Double diff, Double se, Double z, Double p) {
    public static final Result EMPTY = new Result(null, null, null, null);
  }

  /** One scored pair of forecaster A and B at an as-of: 1 when correct, else 0 (0.5 for "half"). */
  public record Pair(long asOfSeconds, double correctA, double correctB) {}

  /** The lag L of a horizon in minutes: ceil(h / 1440) - 1. */
  public static int lag(int horizonMinutes) {
    return (int) Math.max(0, Math.ceil(horizonMinutes / 1440.0) - 1);
  }

  /**
   * D_t per distinct as-of, ascending: the mean over the pairs at t of {@code c_A - c_B} (one pair
   * per symbol at t).
   */
  public static double[] dailyDifferences(List<Pair> pairs) {
    Map<Long, double[]> byAsOf = new TreeMap<>();
    for (Pair p : pairs) {
      double[] sumAndCount = byAsOf.computeIfAbsent(p.asOfSeconds(), k -> new double[2]);
      sumAndCount[0] += p.correctA() - p.correctB();
      sumAndCount[1] += 1;
    }
    double[] d = new double[byAsOf.size()];
    int i = 0;
    for (double[] sc : byAsOf.values()) {
      d[i++] = sc[0] / sc[1];
    }
    return d;
  }

  /** Section 9 on pairs: A against B. */
  public static Result test(List<Pair> pairs, int horizonMinutes) {
    return neweyWest(dailyDifferences(pairs), lag(horizonMinutes));
  }

  /** Section 9 with B the constant forecaster "always 50%" (c_B = 0.5). */
  public static Result testVsHalf(List<Pair> pairs, int horizonMinutes) {
    List<Pair> half = new ArrayList<>(pairs.size());
    for (Pair p : pairs) {
      half.add(new Pair(p.asOfSeconds(), p.correctA(), 0.5));
    }
    return test(half, horizonMinutes);
  }

  /**
   * The Newey-West test of mean(d) > 0 with lag L: {@code var = (gamma_0 + 2 sum_{j=1..L} (1 -
   * j/(L+1)) gamma_j) / T}, {@code gamma_j = (1/T) sum_{t=j+1..T} e_t e_{t-j}}.
   */
  public static Result neweyWest(double[] d, int lag) {
    int t = d.length;
    if (t == 0) {
      return Result.EMPTY;
    }
    double mean = 0;
    for (double v : d) {
      mean += v;
    }
    mean /= t;
    if (t <= lag + 1) {
      return new Result(mean, null, null, null);
    }
    double[] e = new double[t];
    for (int i = 0; i < t; i++) {
      e[i] = d[i] - mean;
    }
    double sum = gamma(e, 0);
    for (int j = 1; j <= lag; j++) {
      sum += 2 * (1 - j / (lag + 1.0)) * gamma(e, j);
    }
    double var = sum / t;
    // Every D_t equal is a zero variance, even where rounding leaves the mean 1 ulp off them.
    if (!(var > 0) || allEqual(d)) {
      return new Result(mean, null, null, null);
    }
    double se = Math.sqrt(var);
    double z = mean / se;
    return new Result(mean, se, z, upperNormalTail(z));
  }

  /** 1 - Phi(z), computed as erfc(z / sqrt 2) / 2 so that small tails keep their precision. */
  public static double upperNormalTail(double z) {
    return 0.5 * Erf.erfc(z / Math.sqrt(2));
  }

  private static boolean allEqual(double[] d) {
    for (double v : d) {
      if (v != d[0]) {
        return false;
      }
    }
    return true;
  }

  private static double gamma(double[] e, int j) {
    double s = 0;
    for (int i = j; i < e.length; i++) {
      s += e[i] * e[i - j];
    }
    return s / e.length;
  }
}
