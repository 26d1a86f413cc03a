package dev.forecaster.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Section 9 (HAC) by hand on small series, its null cases, and against a second computation. */
class HacTest {
  static final long DAY = 86_400;

  @Test
  void lagIsTheHorizonInDaysRoundedUpMinusOne() {
    assertEquals(0, Hac.lag(1_440));
    assertEquals(6, Hac.lag(10_080));
    assertEquals(29, Hac.lag(43_200));
    assertEquals(1, Hac.lag(2_880));
    assertEquals(0, Hac.lag(360)); // ceil(0.25) - 1
    assertEquals(1, Hac.lag(1_441)); // ceil(1.0007) - 1
  }

  @Test
  void lagZeroIsTheOrdinaryStandardErrorOfTheMean() {
    // d = 1, 0, 1, 1: Dbar = 0.75, e = .25, -.75, .25, .25, gamma_0 = 0.75 / 4 = 0.1875,
    // var = 0.1875 / 4 = 0.046875, se = 0.2165064, z = 0.75 / se = sqrt(12) = 3.4641016,
    // p = 1 - Phi(3.4641016) = 2.66003e-4
    Hac.Result r = Hac.neweyWest(new double[] {1, 0, 1, 1}, 0);
    assertEquals(0.75, r.diff(), 1e-15);
    assertEquals(0.2165063509, r.se(), 1e-10);
    assertEquals(Math.sqrt(12), r.z(), 1e-12);
    assertEquals(2.6600275e-4, r.p(), 1e-10);
  }

  @Test
  void lagOneWeighsTheFirstAutocovarianceByOneHalf() {
    // d = 1, 0, 0, 1, 1: Dbar = 0.6, e = .4, -.6, -.6, .4, .4
    // gamma_0 = (.16 + .36 + .36 + .16 + .16) / 5 = 0.24
    // gamma_1 = (-.24 + .36 - .24 + .16) / 5 = 0.008
    // var = (0.24 + 2 · (1 - 1/2) · 0.008) / 5 = 0.0496, se = 0.2227106, z = 2.6940795,
    // p = 0.0035291660
    Hac.Result r = Hac.neweyWest(new double[] {1, 0, 0, 1, 1}, 1);
    assertEquals(0.6, r.diff(), 1e-15);
    assertEquals(0.2227105745, r.se(), 1e-10);
    assertEquals(2.6940795304, r.z(), 1e-9);
    assertEquals(0.003529166024, r.p(), 1e-11);
  }

  @Test
  void dailyDifferenceIsTheMeanOverTheSymbolsOfEachAsOfInAsOfOrder() {
    // as-of 2 (listed first): A right, B right, naive wrong on both -> D = 1;
    // as-of 1: symbol 1 ML right naive right (0), symbol 2 ML wrong naive right (-1) -> D = -0.5;
    // as-of 5 (a gap: still the next position): one symbol, ML right naive wrong -> 1
    List<Hac.Pair> pairs =
        List.of(
            new Hac.Pair(2 * DAY, 1, 0),
            new Hac.Pair(2 * DAY, 1, 0),
            new Hac.Pair(DAY, 1, 1),
            new Hac.Pair(DAY, 0, 1),
            new Hac.Pair(5 * DAY, 1, 0));
    double[] d = Hac.dailyDifferences(pairs);
    assertEquals(3, d.length);
    assertEquals(-0.5, d[0], 0);
    assertEquals(1.0, d[1], 0);
    assertEquals(1.0, d[2], 0);
    // against "always 50%": ML correct minus 0.5, averaged: as-of 1 (0.5 - 0.5)/2 = 0
    // -> 0, 0.5, 0.5; Dbar = 1/3, e = -1/3, 1/6, 1/6; gamma_0 = (1/9 + 1/36 + 1/36) / 3 = 1/18
    // var = 1/54, z = (1/3) · sqrt(54) = sqrt(6) = 2.4494897 (L = 0 for 1d)
    Hac.Result half = Hac.testVsHalf(pairs, 1_440);
    assertEquals(1.0 / 3, half.diff(), 1e-15);
    assertEquals(Math.sqrt(6), half.z(), 1e-12);
    assertEquals(Hac.upperNormalTail(Math.sqrt(6)), half.p(), 1e-15);
  }

  @Test
  void tooFewAsOfsForTheLagGiveNullsButStillTheDifference() {
    // 7d: L = 6, so T <= 7 has no estimate
    double[] seven = {1, 0, 1, 0, 1, 1, 0};
    Hac.Result r = Hac.neweyWest(seven, Hac.lag(10_080));
    assertEquals(4.0 / 7, r.diff(), 1e-15);
    assertNull(r.se());
    assertNull(r.z());
    assertNull(r.p());
    // one more as-of is enough
    Hac.Result eight = Hac.neweyWest(new double[] {1, 0, 1, 0, 1, 1, 0, 1}, 6);
    assertEquals(0.625, eight.diff(), 1e-15);
    assertEquals(true, eight.se() != null && eight.se() > 0);
  }

  @Test
  void aConstantDifferenceHasNoVarianceAndNoTest() {
    // Every D_t = 0.1: var = 0 (rounding may leave the mean 1 ulp away; still null)
    double[] d = new double[40];
    java.util.Arrays.fill(d, 0.1);
    Hac.Result r = Hac.neweyWest(d, 6);
    assertEquals(0.1, r.diff(), 1e-15);
    assertNull(r.se());
    assertNull(r.p());
    // ML and naive always agree: D = 0 everywhere
    Hac.Result tie = Hac.neweyWest(new double[10], 0);
    assertEquals(0.0, tie.diff(), 0);
    assertNull(tie.z());
    assertEquals(Hac.Result.EMPTY, Hac.neweyWest(new double[0], 0));
    assertEquals(Hac.Result.EMPTY, Hac.test(List.of(), 10_080));
  }

  @Test
  void zeroMeanGivesAOneSidedPOfOneHalf() {
    Hac.Result r = Hac.neweyWest(new double[] {1, -1, 1, -1, 0, 0}, 1);
    assertEquals(0.0, r.diff(), 1e-15);
    assertEquals(0.0, r.z(), 1e-15);
    assertEquals(0.5, r.p(), 1e-15);
  }

  @Test
  void agreesWithTheBartlettQuadraticForm() {
    // Independent formula: var(Dbar) = (1/T^2) sum_s sum_t w(|s - t|) e_s e_t with
    // w(j) = 1 - j / (L + 1) for j <= L, else 0 (the same estimator written as a kernel sum).
    Random random = new Random(11);
    for (int lag : new int[] {0, 1, 6, 29}) {
      for (int trial = 0; trial < 5; trial++) {
        int t = lag + 2 + random.nextInt(200);
        double[] d = new double[t];
        double level = random.nextDouble() * 0.2;
        for (int i = 0; i < t; i++) {
          // persistent (AR-like) series of mean differences in [-1, 1]
          d[i] =
              i == 0
                  ? level
                  : Math.max(
                      -1,
                      Math.min(
                          1, 0.7 * d[i - 1] + 0.3 * level + (random.nextDouble() - 0.5) * 0.8));
        }
        double mean = 0;
        for (double v : d) {
          mean += v;
        }
        mean /= t;
        double q = 0;
        for (int s = 0; s < t; s++) {
          for (int u = 0; u < t; u++) {
            int j = Math.abs(s - u);
            if (j <= lag) {
              q += (1 - j / (lag + 1.0)) * (d[s] - mean) * (d[u] - mean);
            }
          }
        }
        double se = Math.sqrt(q / ((double) t * t));
        Hac.Result r = Hac.neweyWest(d, lag);
        assertEquals(mean, r.diff(), 1e-12);
        assertEquals(se, r.se(), 1e-12 * Math.max(1, se));
        assertEquals(mean / se, r.z(), 1e-9);
        // 1 - Phi(z) from commons-math3's normal distribution (not the erfc path)
        double p =
            1
                - new org.apache.commons.math3.distribution.NormalDistribution()
                    .cumulativeProbability(mean / se);
        assertEquals(p, r.p(), 1e-12);
      }
    }
  }

  @Test
  void overlappingLabelsWidenTheErrorComparedWithLagZero() {
    // A series of runs of 7 equal days (what 7-day labels look like): the lag-6 standard error
    // is well above the i.i.d. one.
    List<Double> series = new ArrayList<>();
    Random random = new Random(3);
    for (int block = 0; block < 20; block++) {
      double v = random.nextBoolean() ? 1 : 0;
      for (int i = 0; i < 7; i++) {
        series.add(v);
      }
    }
    double[] d = series.stream().mapToDouble(Double::doubleValue).toArray();
    double iid = Hac.neweyWest(d, 0).se();
    double hac = Hac.neweyWest(d, 6).se();
    assertEquals(true, hac > 1.8 * iid, "hac " + hac + " vs iid " + iid);
  }
}
