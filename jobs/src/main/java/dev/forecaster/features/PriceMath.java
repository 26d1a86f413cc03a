package dev.forecaster.features;

/**
 * The price features of FORECASTING.md section 2 from the daily grid {@code d_0 .. d_30} of one
 * (symbol, as-of), where {@code d_j = P*(t - j days)} and null means no price. A feature that needs
 * a null value is null.
 */
public final class PriceMath {
  /** Number of grid points: d_0 .. d_30. */
  public static final int GRID = 31;

  static final int[] RETURN_DAYS = {1, 3, 7, 14, 30};
  static final int[] VOL_DAYS = {3, 7, 30};

  private PriceMath() {}

  /** {@code d_0 / d_k - 1} (price_r_{k}d). */
  public static Double ret(Double[] d, int k) {
    return d[0] == null || d[k] == null ? null : d[0] / d[k] - 1;
  }

  /** Daily return {@code r_j = d_j / d_{j+1} - 1}. */
  public static Double dailyReturn(Double[] d, int j) {
    return d[j] == null || d[j + 1] == null ? null : d[j] / d[j + 1] - 1;
  }

  /** Sample standard deviation (n-1) of r_0 .. r_{k-1} (price_vol_{k}d). */
  public static Double vol(Double[] d, int k) {
    double[] r = dailyReturns(d, k);
    return r == null ? null : sampleSd(r);
  }

  /** {@code (r_0 - mean(r_0..r_29)) / sd(r_0..r_29)}; null when sd = 0. */
  public static Double zscore1d(Double[] d) {
    double[] r = dailyReturns(d, 30);
    if (r == null) {
      return null;
    }
    double sd = sampleSd(r);
    return sd == 0 ? null : (r[0] - mean(r)) / sd;
  }

  /** {@code max over 0<=j<=30 of (1 - d_j / max(d_j .. d_30))}. */
  public static Double maxDrawdown30d(Double[] d) {
    double peak = Double.NEGATIVE_INFINITY;
    double worst = 0;
    for (int j = 30; j >= 0; j--) {
      if (d[j] == null) {
        return null;
      }
      peak = Math.max(peak, d[j]);
      worst = Math.max(worst, 1 - d[j] / peak);
    }
    return worst;
  }

  private static double[] dailyReturns(Double[] d, int k) {
    double[] r = new double[k];
    for (int j = 0; j < k; j++) {
      Double v = dailyReturn(d, j);
      if (v == null) {
        return null;
      }
      r[j] = v;
    }
    return r;
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  static double sampleSd(double[] x) {
    double m = mean(x);
    double ss = 0;
    for (double v : x) {
      ss += (v - m) * (v - m);
    }
    return Math.sqrt(ss / (x.length - 1));
  }
}
