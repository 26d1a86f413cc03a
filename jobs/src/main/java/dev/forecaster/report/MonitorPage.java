package dev.forecaster.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The monitoring report of one as-of as a page with charts (no Spark: plain values). */
public final class MonitorPage {
  private MonitorPage() {}

  /** One metric row; null horizon, model or symbol means all. */
  public record Metric(
      String metric,
      Integer horizonMinutes,
      String model,
      String symbol,
      String dimension,
      Double value,
      Long n,
      Double reference) {}

  /** One active alert. */
  public record Alert(String alert, String message) {}

  /** Everything the page shows. */
  public record Data(
      Instant asOf,
      List<Alert> alerts,
      List<Metric> metrics,
      Map<String, List<Charts.Point>> rollingAccuracy,
      Map<String, Map<String, Double>> driftByModel,
      double driftThreshold,
      Map<String, List<Charts.ReliabilityPoint>> calibration) {}

  public static HtmlPage.Rendered render(Data d) {
    HtmlPage page = new HtmlPage("Monitoring at " + d.asOf());
    page.heading("Active alerts");
    if (d.alerts().isEmpty()) {
      page.paragraph("None.");
    } else {
      page.table(
          List.of("alert", "message"),
          d.alerts().stream().map(a -> List.of(a.alert(), a.message())).toList());
    }
    page.heading("Live accuracy");
    page.table(
        List.of("horizon", "model", "symbol", "rolling accuracy", "n", "backtest accuracy"),
        rows(d.metrics(), "rolling_accuracy", true));
    if (!d.rollingAccuracy().isEmpty()) {
      page.chart(
          "rolling_accuracy.png",
          "Rolling live accuracy over the last matured forecasts (all symbols)",
          Charts.timeSeries("Rolling live accuracy", "accuracy", d.rollingAccuracy(), 0.5));
    }
    page.heading("Brier score");
    page.table(
        List.of("horizon", "model", "symbol", "Brier", "n", ""), rows(d.metrics(), "brier", false));
    if (d.calibration().values().stream().anyMatch(l -> !l.isEmpty())) {
      page.chart(
          "calibration.png",
          "Calibration: observed accuracy against the mean confidence of each confidence bin",
          Charts.reliability(
              "Live calibration", "mean confidence", "observed accuracy", d.calibration()));
    }
    page.heading("Usage and failures");
    List<List<String>> usage = new ArrayList<>();
    usage.addAll(rows(d.metrics(), "fallback_rate", false));
    usage.addAll(rows(d.metrics(), "ml_failure_rate", false));
    page.table(List.of("horizon", "model", "symbol", "rate", "n", ""), usage);
    List<List<String>> reasons = new ArrayList<>();
    for (Metric m : d.metrics()) {
      if (m.metric().equals("fallback_reason")) {
        reasons.add(
            List.of(horizon(m.horizonMinutes()), m.dimension(), pct(m.value()), count(m.n())));
      }
    }
    if (!reasons.isEmpty()) {
      page.table(List.of("horizon", "fallback reason", "share", "n"), reasons);
    }
    page.heading("Feature drift");
    if (d.driftByModel().isEmpty()) {
      page.paragraph("No ML forecasts with a training distribution in the drift window.");
    }
    int k = 0;
    for (Map.Entry<String, Map<String, Double>> e : d.driftByModel().entrySet()) {
      page.chart(
          "drift_" + (k++) + ".png",
          "Population stability index of each feature, live vs the training of " + e.getKey(),
          Charts.bars("Drift of " + e.getKey(), "PSI", e.getValue(), d.driftThreshold()));
    }
    page.heading("Data age");
    page.table(
        List.of("horizon", "model", "symbol", "hours since the latest candle", "", ""),
        rows(d.metrics(), "data_age_hours", false));
    return page.render();
  }

  private static List<List<String>> rows(List<Metric> metrics, String metric, boolean share) {
    List<List<String>> rows = new ArrayList<>();
    for (Metric m : metrics) {
      if (!m.metric().equals(metric)) {
        continue;
      }
      boolean rate = share || metric.endsWith("_rate");
      rows.add(
          List.of(
              horizon(m.horizonMinutes()),
              m.model() == null ? "all" : m.model(),
              m.symbol() == null ? "all" : m.symbol(),
              rate ? pct(m.value()) : number(m.value()),
              count(m.n()),
              share ? pct(m.reference()) : ""));
    }
    return rows;
  }

  private static String horizon(Integer minutes) {
    return minutes == null ? "all" : minutes + " min";
  }

  private static String pct(Double v) {
    return BacktestPage.pct(v);
  }

  private static String number(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String count(Long n) {
    return n == null ? "-" : n.toString();
  }
}
