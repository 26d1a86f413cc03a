package dev.forecaster.report;

import dev.forecaster.backtest.Hac;
import dev.forecaster.backtest.Statistics;
import dev.forecaster.model.Horizons;
import dev.forecaster.walkforward.WalkForwardSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report of a walk-forward run (FORECASTING.md section 10) as a page with charts. */
public final class WalkForwardPage {
  private WalkForwardPage() {}

  /** One horizon's data: summary lines, cumulative accuracies, promotions, monthly ML share. */
  public record Horizon(
      int horizonMinutes,
      List<WalkForwardSummary.Line> lines,
      List<Charts.Point> cumulativeServed,
      List<Charts.Point> cumulativeCandidate,
      List<Charts.Point> cumulativeNaive,
      List<Instant> promotions,
      Map<String, Double> mlShareByMonth) {}

  public record Data(String runId, Instant from, Instant to, List<Horizon> horizons) {}

  public static HtmlPage.Rendered render(Data d) {
    HtmlPage page = new HtmlPage("Walk-forward " + d.runId());
    page.paragraph(
        String.format(
            Locale.ROOT,
            "Span %s .. %s. Served: what monthly retraining with the gate would have served (the"
                + " latest promoted model, else the naive baseline). Candidate: the model trained at"
                + " the latest retrain, gated or not. HAC p: one-sided Newey-West test allowing"
                + " for overlapping labels (FORECASTING.md section 9).",
            d.from(),
            d.to()));
    for (Horizon h : d.horizons()) {
      String label = Horizons.label(h.horizonMinutes());
      page.heading(label);
      List<List<String>> rows = new ArrayList<>();
      for (WalkForwardSummary.Line l : h.lines()) {
        rows.add(
            List.of(
                l.symbol() != null
                    ? l.symbol()
                    : l.year() != null ? l.year().toString() : "OVERALL",
                Long.toString(l.n()),
                BacktestPage.pct(l.servedAccuracy()),
                BacktestPage.pct(l.candidateAccuracy()),
                BacktestPage.pct(l.naiveAccuracy()),
                pp(l.servedImprovementPp()),
                BacktestPage.p(l.servedVsNaive().p()),
                pp(l.candidateImprovementPp()),
                BacktestPage.p(l.candidateVsNaive().p()),
                BacktestPage.p(l.servedVsHalf().p()),
                BacktestPage.pct(l.mlServedShare()),
                l.retrains() + " / " + l.promotions(),
                Long.toString(l.leakagePairs())));
      }
      page.table(
          List.of(
              "line",
              "n",
              "served",
              "candidate",
              "naive",
              "served - naive (pp)",
              "HAC p served vs naive",
              "candidate - naive (pp)",
              "HAC p candidate vs naive",
              "HAC p served vs 50%",
              "served by ML",
              "retrains / promotions",
              "leakage"),
          rows);
      Map<String, List<Charts.Point>> series = new LinkedHashMap<>();
      series.put("served", h.cumulativeServed());
      series.put("candidate", h.cumulativeCandidate());
      series.put("naive", h.cumulativeNaive());
      List<Charts.Point> marks = new ArrayList<>();
      for (Instant p : h.promotions()) {
        Charts.Point at = null;
        for (Charts.Point c : h.cumulativeServed()) {
          if (!c.at().isAfter(p)) {
            at = c;
          }
        }
        marks.add(new Charts.Point(p, at == null ? 0.5 : at.value()));
      }
      page.chart(
          "cumulative_" + label + ".png",
          label + ": cumulative accuracy over the span; diamonds: promotions",
          Charts.timeSeriesWithMarks(
              label + ": cumulative accuracy", "accuracy", series, 0.5, "promotion", marks));
      List<String> years = new ArrayList<>();
      Map<String, List<Double>> bars = new LinkedHashMap<>();
      bars.put("served", new ArrayList<>());
      bars.put("candidate", new ArrayList<>());
      bars.put("naive", new ArrayList<>());
      List<Double> low = new ArrayList<>();
      List<Double> high = new ArrayList<>();
      for (WalkForwardSummary.Line l : h.lines()) {
        if (!WalkForwardSummary.YEAR.equals(l.level()) || l.n() == 0) {
          continue;
        }
        years.add(l.year().toString());
        bars.get("served").add(l.servedAccuracy());
        bars.get("candidate").add(l.candidateAccuracy());
        bars.get("naive").add(l.naiveAccuracy());
        double[] interval = interval(l.servedVsHalf(), l.servedAccuracy());
        low.add(interval[0]);
        high.add(interval[1]);
      }
      if (!years.isEmpty()) {
        page.chart(
            "by_year_" + label + ".png",
            label
                + ": accuracy per calendar year; diamonds: HAC 95% interval of the served accuracy"
                + " (0.5 + Dbar ± 1.96 se against 50%; the accuracy itself where the year has"
                + " too few as-ofs for the lag)",
            Charts.accuracyWithIntervals(
                label + ": accuracy per year", "year", years, bars, "served HAC 95%", low, high));
      }
      if (!h.mlShareByMonth().isEmpty()) {
        page.chart(
            "ml_share_" + label + ".png",
            label + ": share of the month's pairs served by the ML model (the rest: naive)",
            Charts.bars(
                label + ": share served by ML per month", "share", h.mlShareByMonth(), null));
      }
    }
    return page.render();
  }

  /** The HAC 95% interval of an accuracy from its test against 50%: 0.5 + Dbar ± z·se. */
  static double[] interval(Hac.Result vsHalf, Double accuracy) {
    if (vsHalf.se() == null) {
      return new double[] {accuracy, accuracy};
    }
    double centre = 0.5 + vsHalf.diff();
    return new double[] {
      centre - Statistics.Z_95 * vsHalf.se(), centre + Statistics.Z_95 * vsHalf.se()
    };
  }

  private static String pp(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%+.1f", v);
  }
}
