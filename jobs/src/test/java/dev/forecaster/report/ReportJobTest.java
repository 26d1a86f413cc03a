package dev.forecaster.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.monitor.MonitoredWarehouse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link ReportJob} on the {@link MonitoredWarehouse}: the folders it writes under reports/. */
class ReportJobTest {
  static Set<String> files(Path dir) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  static void assertFolder(String uri, Path expectedDir, Set<String> charts) throws IOException {
    Path page = Path.of(URI.create(uri));
    assertEquals(expectedDir.resolve("index.html").toAbsolutePath(), page);
    Set<String> expected = new TreeSet<>(charts);
    expected.add("index.html");
    assertEquals(expected, files(page.getParent()));
    String html = Files.readString(page);
    assertEquals(charts, PagesTest.referenced(html));
    for (String chart : charts) {
      ChartsTest.assertRealChart(Files.readAllBytes(page.getParent().resolve(chart)));
    }
  }

  @Test
  void backtestReportOfTheModelsLatestBacktest() throws IOException {
    MonitoredWarehouse w = MonitoredWarehouse.get();
    String uri = new ReportJob(TestSpark.session(), w.config).backtest(MonitoredWarehouse.MODEL);
    assertFolder(
        uri,
        w.root.resolve("warehouse/reports/backtest/ml_forecaster_7d_rf_v1"),
        Set.of(
            "accuracy_by_symbol.png",
            "cumulative_accuracy.png",
            "reliability.png",
            "confusion_matrix.png",
            "feature_importances.png"));
    String html = Files.readString(Path.of(URI.create(uri)));
    assertTrue(html.contains("Platt scaling: Brier"), "the model is calibrated");
    assertTrue(html.contains("<td>BTC-USD</td><td>10</td>"), "10 as-ofs per symbol");
  }

  @Test
  void monitorReportOfAnAsOf() throws IOException {
    MonitoredWarehouse w = MonitoredWarehouse.get();
    String uri = new ReportJob(TestSpark.session(), w.config).monitor(MonitoredWarehouse.T);
    assertFolder(
        uri,
        w.root.resolve("warehouse/reports/monitor/2025-01-17T000000Z"),
        Set.of("rolling_accuracy.png", "calibration.png", "drift_0.png"));
    assertTrue(Files.readString(Path.of(URI.create(uri))).contains("fallback_rate_high"));
  }
}
