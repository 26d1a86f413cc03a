package dev.forecaster.walkforward;

import dev.forecaster.backtest.Hac;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The report lines of a walk-forward (FORECASTING.md section 10), overall, per symbol and per
 * calendar year, in plain Java over the collected pairs (one row per symbol and as-of: tens of
 * thousands at most).
 */
public final class WalkForwardSummary {
  public static final String OVERALL = "overall";
  public static final String SYMBOL = "symbol";
  public static final String YEAR = "year";

  private WalkForwardSummary() {}

  /** One scored pair. */
  public record Pair(
      String symbol,
      long asOfSeconds,
      int year,
      boolean servedCorrect,
      boolean candidateCorrect,
      boolean naiveCorrect,
      double servedProbUp,
      double candidateProbUp,
      boolean actualUp,
      boolean servedByMl,
      boolean leakage) {}

  /** One retrain date and whether its candidate was promoted. */
  public record RetrainOutcome(Instant date, boolean promoted) {}

  /** One line; accuracies, Brier and share are null when n = 0. */
  public record Line(
      String level,
      String symbol,
      Integer year,
      long n,
      Double servedAccuracy,
      Double candidateAccuracy,
      Double naiveAccuracy,
      Double servedImprovementPp,
      Double candidateImprovementPp,
      Hac.Result servedVsNaive,
      Hac.Result candidateVsNaive,
      Hac.Result servedVsHalf,
      Hac.Result candidateVsHalf,
      Hac.Result naiveVsHalf,
      Double servedBrier,
      Double candidateBrier,
      Double mlServedShare,
      int retrains,
      int promotions,
      long leakagePairs) {}

  public static List<Line> lines(
      List<Pair> pairs, int horizonMinutes, List<RetrainOutcome> retrains) {
    List<Line> out = new ArrayList<>();
    int promotions = (int) retrains.stream().filter(RetrainOutcome::promoted).count();
    out.add(line(OVERALL, null, null, pairs, horizonMinutes, retrains.size(), promotions));
    for (var e : group(pairs, Pair::symbol).entrySet()) {
      out.add(
          line(
              SYMBOL, e.getKey(), null, e.getValue(), horizonMinutes, retrains.size(), promotions));
    }
    for (var e : group(pairs, Pair::year).entrySet()) {
      int year = e.getKey();
      List<RetrainOutcome> inYear =
          retrains.stream().filter(r -> r.date().atZone(ZoneOffset.UTC).getYear() == year).toList();
      out.add(
          line(
              YEAR,
              null,
              year,
              e.getValue(),
              horizonMinutes,
              inYear.size(),
              (int) inYear.stream().filter(RetrainOutcome::promoted).count()));
    }
    return out;
  }

  private static <K> Map<K, List<Pair>> group(List<Pair> pairs, Function<Pair, K> key) {
    Map<K, List<Pair>> groups = new TreeMap<>();
    for (Pair p : pairs) {
      groups.computeIfAbsent(key.apply(p), k -> new ArrayList<>()).add(p);
    }
    return groups;
  }

  static Line line(
      String level,
      String symbol,
      Integer year,
      List<Pair> pairs,
      int h,
      int retrains,
      int promotions) {
    long n = pairs.size();
    long served = 0, candidate = 0, naive = 0, byMl = 0, leakage = 0;
    double servedBrier = 0, candidateBrier = 0;
    List<Hac.Pair> sVsN = new ArrayList<>();
    List<Hac.Pair> cVsN = new ArrayList<>();
    List<Hac.Pair> nVsN = new ArrayList<>();
    for (Pair p : pairs) {
      served += p.servedCorrect() ? 1 : 0;
      candidate += p.candidateCorrect() ? 1 : 0;
      naive += p.naiveCorrect() ? 1 : 0;
      byMl += p.servedByMl() ? 1 : 0;
      leakage += p.leakage() ? 1 : 0;
      double y = p.actualUp() ? 1 : 0;
      servedBrier += (p.servedProbUp() - y) * (p.servedProbUp() - y);
      candidateBrier += (p.candidateProbUp() - y) * (p.candidateProbUp() - y);
      double cn = p.naiveCorrect() ? 1 : 0;
      sVsN.add(new Hac.Pair(p.asOfSeconds(), p.servedCorrect() ? 1 : 0, cn));
      cVsN.add(new Hac.Pair(p.asOfSeconds(), p.candidateCorrect() ? 1 : 0, cn));
      nVsN.add(new Hac.Pair(p.asOfSeconds(), cn, cn));
    }
    Double sAcc = n == 0 ? null : (double) served / n;
    Double cAcc = n == 0 ? null : (double) candidate / n;
    Double nAcc = n == 0 ? null : (double) naive / n;
    return new Line(
        level,
        symbol,
        year,
        n,
        sAcc,
        cAcc,
        nAcc,
        n == 0 ? null : (sAcc - nAcc) * 100,
        n == 0 ? null : (cAcc - nAcc) * 100,
        Hac.test(sVsN, h),
        Hac.test(cVsN, h),
        Hac.testVsHalf(sVsN, h),
        Hac.testVsHalf(cVsN, h),
        Hac.testVsHalf(nVsN, h),
        n == 0 ? null : servedBrier / n,
        n == 0 ? null : candidateBrier / n,
        n == 0 ? null : (double) byMl / n,
        retrains,
        promotions,
        leakage);
  }
}
