package dev.forecaster.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The backtest report of FORECASTING.md section 8 as text, one line per symbol plus overall. */
public final class BacktestReport {
  private BacktestReport() {}

  public static String format(BacktestModelJob.Outcome o, int topImportances) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "backtest %s (horizon %d min), window %s .. %s (%d as-ofs)%n",
            o.entry().ref(),
            o.entry().horizonMinutes(),
            o.window().start(),
            o.window().end(),
            o.window().days()));
    s.append(
        String.format(
            Locale.ROOT,
            "%-12s %6s %5s %7s %7s %8s %17s %9s %9s %7s %7s %8s %9s%n",
            "symbol",
            "n",
            "miss",
            "ml_acc",
            "naive",
            "impr_pp",
            "wilson95",
            "binom_p",
            "mcnemar_p",
            "eff_n",
            "brier",
            "hac_p",
            "hac_p50"));
    List<SummaryLine> lines = new ArrayList<>(o.bySymbol());
    lines.add(o.overall());
    for (SummaryLine l : lines) {
      s.append(
          String.format(
              Locale.ROOT,
              "%-12s %6d %5d %7s %7s %8s %17s %9.4f %9.4f %7.1f %7s %8s %9s%n",
              l.symbol() == null ? "OVERALL" : l.symbol(),
              l.n(),
              l.nMissing(),
              pct(l.mlAccuracy()),
              pct(l.naiveAccuracy()),
              l.improvementPp() == null
                  ? "-"
                  : String.format(Locale.ROOT, "%+.1f", l.improvementPp()),
              l.wilson() == null
                  ? "-"
                  : String.format(
                      Locale.ROOT,
                      "[%.1f%%, %.1f%%]",
                      l.wilson().low() * 100,
                      l.wilson().high() * 100),
              l.binomialP(),
              l.mcnemarP(),
              l.effectiveN(),
              l.brier() == null ? "-" : String.format(Locale.ROOT, "%.4f", l.brier()),
              p(l.hac().p()),
              p(l.hacVsHalf().p())));
    }
    s.append(
        "hac_p: ML vs naive, hac_p50: ML vs 50%; one-sided, Newey-West with lag"
            + " ceil(h/1d) - 1 for the overlapping labels (FORECASTING.md section 9)"
            + System.lineSeparator());
    JsonNode importances = o.metadata().get("feature_importances");
    if (importances != null && importances.size() > 0) {
      s.append("top feature importances:");
      Iterator<Map.Entry<String, JsonNode>> it = importances.fields();
      for (int i = 0; i < topImportances && it.hasNext(); i++) {
        Map.Entry<String, JsonNode> e = it.next();
        s.append(String.format(Locale.ROOT, " %s %.3f", e.getKey(), e.getValue().asDouble()));
      }
      s.append(System.lineSeparator());
    }
    JsonNode calibration = o.metadata().path("backtest").path("calibration");
    if (calibration.isObject()) {
      s.append(
          String.format(
              Locale.ROOT,
              "Platt calibration: Brier %.4f before, %.4f after (the gate used the calibrated"
                  + " p_up)%n",
              calibration.path("brier_before").asDouble(),
              calibration.path("brier_after").asDouble()));
    }
    if (o.gate().outcome() == Gate.Outcome.LEAKAGE) {
      s.append(
          String.format(
              "LEAKAGE: %d training samples have t + h after the window start %s; this model is"
                  + " never gated or promoted%n",
              o.leakageSamples(), o.window().start()));
    } else {
      s.append(String.format("gate: %s%n", o.gate().outcome()));
      o.gate()
          .failures()
          .forEach(f -> s.append("  failed: ").append(f).append(System.lineSeparator()));
    }
    s.append(String.format("status: %s; predictions CSV: %s%n", o.statusAfter(), o.exportUri()));
    return s.toString();
  }

  private static String p(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String pct(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", v * 100);
  }
}
