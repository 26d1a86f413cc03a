package dev.forecaster.walkforward;

import dev.forecaster.backtest.Hac;
import dev.forecaster.model.Horizons;
import java.util.List;
import java.util.Locale;

/** The walk-forward's report as text: per horizon, the overall, per-year and per-symbol lines. */
public final class WalkForwardReport {
  private WalkForwardReport() {}

  public static String format(WalkForwardJob.Result r) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "walkforward %s: %.0f s, a forest fitting %.0f s of it (%.0f%%; fits %.0f s in all,"
                + " the horizons in parallel), retrains %.0f s; registry %s%n",
            r.runId(),
            r.seconds(),
            r.fitWallSeconds(),
            r.seconds() == 0 ? 0 : 100 * r.fitWallSeconds() / r.seconds(),
            r.fitSeconds(),
            r.retrainSeconds(),
            r.runWarehouse()));
    for (WalkForwardJob.HorizonRun h : r.horizons()) {
      long promoted = h.retrains().stream().filter(WalkForwardJob.Retrain::promoted).count();
      s.append(
          String.format(
              Locale.ROOT,
              "%n%s: %d retrains, %d promoted%n",
              Horizons.label(h.horizonMinutes()),
              h.retrains().size(),
              promoted));
      s.append(
          String.format(
              Locale.ROOT,
              "%-10s %6s %7s %7s %7s %8s %8s %9s %9s %9s %6s %5s%n",
              "line",
              "n",
              "served",
              "cand",
              "naive",
              "s-n_pp",
              "c-n_pp",
              "hac_p_s",
              "hac_p_c",
              "hac_p50_s",
              "ml_sh",
              "leak"));
      for (WalkForwardSummary.Line l : h.lines()) {
        s.append(
            String.format(
                Locale.ROOT,
                "%-10s %6d %7s %7s %7s %8s %8s %9s %9s %9s %6s %5d%n",
                l.symbol() != null
                    ? l.symbol()
                    : l.year() != null ? l.year().toString() : "OVERALL",
                l.n(),
                pct(l.servedAccuracy()),
                pct(l.candidateAccuracy()),
                pct(l.naiveAccuracy()),
                pp(l.servedImprovementPp()),
                pp(l.candidateImprovementPp()),
                p(l.servedVsNaive()),
                p(l.candidateVsNaive()),
                p(l.servedVsHalf()),
                pct(l.mlServedShare()),
                l.leakagePairs()));
      }
    }
    s.append(
        "served: what the policy (monthly retrain, gate, naive fallback) served; cand: the model"
            + " trained at each retrain, gated or not; hac_p_*: one-sided Newey-West p vs naive"
            + " (p50: vs 50%) allowing for overlapping labels (FORECASTING.md section 9)"
            + System.lineSeparator());
    return s.toString();
  }

  /** Just the overall lines, e.g. for a summary at the end of a log. */
  public static List<WalkForwardSummary.Line> overall(WalkForwardJob.Result r) {
    return r.horizons().stream().map(WalkForwardJob.HorizonRun::overall).toList();
  }

  private static String p(Hac.Result h) {
    return h.p() == null ? "-" : String.format(Locale.ROOT, "%.4f", h.p());
  }

  private static String pp(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%+.1f", v);
  }

  private static String pct(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", v * 100);
  }
}
