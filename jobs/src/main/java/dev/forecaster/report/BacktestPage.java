package dev.forecaster.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The backtest report of one model version as a page with charts (no Spark: plain values). */
public final class BacktestPage {
  private BacktestPage() {}

  /** One line of the summary (symbol null = overall). Accuracies etc. are null when n = 0. */
  public record Line(
      String symbol,
      long n,
      long nMissing,
      Double mlAccuracy,
      Double naiveAccuracy,
      Double wilsonLow,
      Double wilsonHigh,
      double binomialP,
      double mcnemarP,
      Double brier,
      Double hacP,
      Double hacPVsHalf) {}

  /** Counts of ML forecasts against realised directions (up is positive). */
  public record Confusion(long trueUp, long falseDown, long falseUp, long trueDown) {}

  /** Brier and reliability before and after the model's Platt scaling, when it has one. */
  public record Calibration(
      double brierBefore,
      double brierAfter,
      List<Charts.ReliabilityPoint> before,
      List<Charts.ReliabilityPoint> after) {}

  /** Everything the page shows. */
  public record Data(
      String modelRef,
      int horizonMinutes,
      Instant windowStart,
      Instant windowEnd,
      List<Line> lines,
      List<Charts.Point> cumulativeMl,
      List<Charts.Point> cumulativeNaive,
      List<Charts.ReliabilityPoint> reliability,
      Calibration calibration,
      Confusion confusion,
      Map<String, Double> importances,
      String gateOutcome,
      List<String> gateFailures,
      String status) {}

  public static HtmlPage.Rendered render(Data d) {
    HtmlPage page = new HtmlPage("Backtest of " + d.modelRef());
    page.paragraph(
        String.format(
            Locale.ROOT,
            "Horizon %d min; window %s .. %s; gate %s%s; status %s.",
            d.horizonMinutes(),
            d.windowStart(),
            d.windowEnd(),
            d.gateOutcome(),
            d.gateFailures().isEmpty() ? "" : " (" + String.join("; ", d.gateFailures()) + ")",
            d.status()));
    page.heading("Accuracy per symbol");
    List<List<String>> rows = new ArrayList<>();
    for (Line l : d.lines()) {
      rows.add(
          List.of(
              l.symbol() == null ? "OVERALL" : l.symbol(),
              Long.toString(l.n()),
              Long.toString(l.nMissing()),
              pct(l.mlAccuracy()),
              pct(l.naiveAccuracy()),
              l.wilsonLow() == null
                  ? "-"
                  : String.format(Locale.ROOT, "[%s, %s]", pct(l.wilsonLow()), pct(l.wilsonHigh())),
              String.format(Locale.ROOT, "%.4f", l.binomialP()),
              String.format(Locale.ROOT, "%.4f", l.mcnemarP()),
              l.brier() == null ? "-" : String.format(Locale.ROOT, "%.4f", l.brier()),
              p(l.hacP()),
              p(l.hacPVsHalf())));
    }
    page.table(
        List.of(
            "symbol",
            "n",
            "missing",
            "ML",
            "naive",
            "Wilson 95%",
            "binomial p",
            "McNemar p",
            "Brier",
            "HAC p vs naive",
            "HAC p vs 50%"),
        rows);
    page.paragraph(
        "The exact binomial and McNemar tests treat the pairs as independent; with overlapping"
            + " labels they overstate significance. The HAC p-values (Newey-West, lag ceil(h / 1"
            + " day) - 1, FORECASTING.md section 9) allow for the overlap; '-' when the window"
            + " has too few as-ofs for the lag.");
    List<Charts.SymbolAccuracy> bars = new ArrayList<>();
    for (Line l : d.lines()) {
      if (l.symbol() != null && l.mlAccuracy() != null) {
        bars.add(
            new Charts.SymbolAccuracy(
                l.symbol(), l.mlAccuracy(), l.naiveAccuracy(), l.wilsonLow(), l.wilsonHigh()));
      }
    }
    if (!bars.isEmpty()) {
      page.chart(
          "accuracy_by_symbol.png",
          "ML vs naive accuracy per symbol; diamonds: Wilson 95% interval of the ML accuracy",
          Charts.accuracyBySymbol("ML vs naive accuracy per symbol", bars));
    }
    if (!d.cumulativeMl().isEmpty()) {
      Map<String, List<Charts.Point>> series = new LinkedHashMap<>();
      series.put("ML", d.cumulativeMl());
      series.put("naive", d.cumulativeNaive());
      page.chart(
          "cumulative_accuracy.png",
          "Cumulative accuracy over the window (all symbols)",
          Charts.timeSeries("Cumulative accuracy over the window", "accuracy", series, 0.5));
    }
    page.heading("Calibration");
    Map<String, List<Charts.ReliabilityPoint>> reliability = new LinkedHashMap<>();
    if (d.calibration() != null) {
      page.paragraph(
          String.format(
              Locale.ROOT,
              "Platt scaling: Brier %.4f before, %.4f after (the gate used the calibrated p_up).",
              d.calibration().brierBefore(),
              d.calibration().brierAfter()));
      reliability.put("before calibration", d.calibration().before());
      reliability.put("after calibration", d.calibration().after());
    } else {
      reliability.put("p_up", d.reliability());
    }
    if (reliability.values().stream().anyMatch(l -> !l.isEmpty())) {
      page.chart(
          "reliability.png",
          "Reliability diagram: observed share of up against the mean p_up of each bin",
          Charts.reliability(
              "Reliability of p_up", "mean predicted p_up", "observed share of up", reliability));
    }
    Confusion c = d.confusion();
    page.heading("Confusion matrix");
    page.chart(
        "confusion_matrix.png",
        String.format(
            Locale.ROOT,
            "ML forecasts (columns) against realised directions (rows): up/up %d, up/down %d,"
                + " down/up %d, down/down %d",
            c.trueUp(),
            c.falseDown(),
            c.falseUp(),
            c.trueDown()),
        Charts.confusionMatrix(
            "Confusion matrix", c.trueUp(), c.falseDown(), c.falseUp(), c.trueDown()));
    if (!d.importances().isEmpty()) {
      page.heading("Feature importances");
      page.chart(
          "feature_importances.png",
          "Random forest feature importances (mean decrease in impurity)",
          Charts.bars("Feature importances", "importance", d.importances(), null));
    }
    return page.render();
  }

  static String p(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  static String pct(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", v * 100);
  }
}
