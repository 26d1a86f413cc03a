package dev.forecaster.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report pages reference every chart they carry, and each chart is a real PNG. */
class PagesTest {
  static Set<String> referenced(String html) {
    Set<String> files = new TreeSet<>();
    Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
    while (m.find()) {
      files.add(m.group(1));
    }
    return files;
  }

  static void assertSelfContained(HtmlPage.Rendered page, Set<String> expected) throws IOException {
    assertEquals(expected, new TreeSet<>(page.images().keySet()));
    assertEquals(expected, referenced(page.html()), "the page links exactly its charts");
    for (byte[] png : page.images().values()) {
      ChartsTest.assertRealChart(png);
    }
    assertTrue(page.html().startsWith("<!DOCTYPE html>"));
    assertTrue(page.html().endsWith("</html>\n"));
  }

  static BacktestPage.Data backtest(BacktestPage.Calibration calibration) {
    Map<String, Double> importances = new LinkedHashMap<>();
    importances.put("price_r_7d", 0.4);
    importances.put("symbol", 0.1);
    return new BacktestPage.Data(
        "ml_forecaster_7d_rf:v3",
        10_080,
        Instant.parse("2025-01-01T00:00:00Z"),
        Instant.parse("2025-03-01T00:00:00Z"),
        List.of(
            new BacktestPage.Line(
                "BTC-USD", 60, 0, 0.6, 0.5, 0.47, 0.71, 0.08, 0.2, 0.24, 0.31, 0.12),
            new BacktestPage.Line(
                "<script>", 0, 2, null, null, null, null, 1.0, 1.0, null, null, null),
            new BacktestPage.Line(null, 60, 2, 0.6, 0.5, 0.47, 0.71, 0.08, 0.2, 0.24, 0.31, 0.12)),
        ChartsTest.line(1.0, 0.5, 0.6),
        ChartsTest.line(0.0, 0.5, 0.5),
        List.of(new Charts.ReliabilityPoint(0.7, 0.6, 60)),
        calibration,
        new BacktestPage.Confusion(20, 10, 14, 16),
        importances,
        "PASSED",
        List.of(),
        "promoted");
  }

  @Test
  void backtestPageCarriesItsFiveCharts() throws IOException {
    HtmlPage.Rendered page = BacktestPage.render(backtest(null));
    assertSelfContained(
        page,
        Set.of(
            "accuracy_by_symbol.png",
            "cumulative_accuracy.png",
            "reliability.png",
            "confusion_matrix.png",
            "feature_importances.png"));
    assertTrue(page.html().contains("&lt;script&gt;"), "cell text is escaped");
    assertTrue(page.html().contains("<td>OVERALL</td><td>60</td><td>2</td><td>60.0%</td>"));
  }

  @Test
  void backtestPageWithCalibrationShowsBrierBeforeAndAfter() throws IOException {
    HtmlPage.Rendered page =
        BacktestPage.render(
            backtest(
                new BacktestPage.Calibration(
                    0.26,
                    0.24,
                    List.of(new Charts.ReliabilityPoint(0.9, 0.6, 30)),
                    List.of(new Charts.ReliabilityPoint(0.65, 0.6, 30)))));
    assertTrue(page.html().contains("Brier 0.2600 before, 0.2400 after"));
    assertTrue(page.images().containsKey("reliability.png"));
  }

  @Test
  void monitorPageCarriesRollingAccuracyCalibrationAndDriftPerModel() throws IOException {
    Map<String, Map<String, Double>> drift = new LinkedHashMap<>();
    drift.put("7d ml_forecaster_7d_rf:v3", Map.of("price_r_7d", 0.05, "price_vol_7d", 0.3));
    drift.put("1d ml_forecaster_1d_rf:v1", Map.of("price_r_1d", 0.01));
    MonitorPage.Data data =
        new MonitorPage.Data(
            Instant.parse("2025-03-01T00:00:00Z"),
            List.of(new MonitorPage.Alert("drift_high", "feature price_vol_7d drifted")),
            List.of(
                new MonitorPage.Metric(
                    "rolling_accuracy",
                    10_080,
                    "ml_forecaster_7d_rf:v3",
                    null,
                    null,
                    0.64,
                    100L,
                    0.7),
                new MonitorPage.Metric("fallback_rate", 1440, null, null, null, 0.2, 30L, null),
                new MonitorPage.Metric(
                    "fallback_reason",
                    1440,
                    null,
                    null,
                    "no promoted model for 1d",
                    0.2,
                    6L,
                    null)),
            Map.of("7d ml_forecaster_7d_rf:v3", ChartsTest.line(0.6, 0.62, 0.64)),
            drift,
            0.2,
            Map.of(
                "7d ml_forecaster_7d_rf:v3", List.of(new Charts.ReliabilityPoint(0.62, 0.6, 50))));
    HtmlPage.Rendered page = MonitorPage.render(data);
    assertSelfContained(
        page, Set.of("rolling_accuracy.png", "calibration.png", "drift_0.png", "drift_1.png"));
    assertTrue(page.html().contains("<td>drift_high</td><td>feature price_vol_7d drifted</td>"));
    assertTrue(page.html().contains("<td>64.0%</td><td>100</td><td>70.0%</td>"));
  }
}
