package dev.forecaster.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report charts, drawn with XChart into PNG bytes of {@link #WIDTH} x {@link #HEIGHT} pixels.
 * Each method takes plain values (no Spark), so a chart can be drawn and checked on its own. AWT
 * runs headless: no display is needed.
 */
public final class Charts {
  public static final int WIDTH = 800;
  public static final int HEIGHT = 450;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private static final Color ML = new Color(31, 119, 180);
  private static final Color NAIVE = new Color(255, 127, 14);
  private static final Color REFERENCE = new Color(120, 120, 120);

  private Charts() {}

  /** A dated value of a time series. */
  public record Point(Instant at, double value) {}

  /** ML and naive accuracy of one symbol, with the Wilson 95% interval of the ML accuracy. */
  public record SymbolAccuracy(
      String symbol, double ml, double naive, double wilsonLow, double wilsonHigh) {}

  /** One bin of a reliability diagram: mean predicted probability against observed frequency. */
  public record ReliabilityPoint(double predicted, double observed, long n) {}

  /** Bars of ML and naive accuracy per symbol, with the Wilson interval's ends as markers. */
  public static byte[] accuracyBySymbol(String title, List<SymbolAccuracy> rows) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("symbol")
            .yAxisTitle("accuracy")
            .build();
    style(chart.getStyler());
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    List<String> symbols = rows.stream().map(SymbolAccuracy::symbol).toList();
    chart.addSeries("ML", symbols, rows.stream().map(SymbolAccuracy::ml).toList()).setFillColor(ML);
    chart
        .addSeries("naive", symbols, rows.stream().map(SymbolAccuracy::naive).toList())
        .setFillColor(NAIVE);
    for (var end : List.of("Wilson 95% low", "Wilson 95% high")) {
      CategorySeries s =
          chart.addSeries(
              end,
              symbols,
              rows.stream()
                  .map(r -> end.endsWith("low") ? r.wilsonLow() : r.wilsonHigh())
                  .toList());
      s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.DIAMOND).setMarkerColor(Color.BLACK);
    }
    return png(chart);
  }

  /** Lines of named time series (e.g. cumulative or rolling accuracy), y in [0, 1]. */
  public static byte[] timeSeries(
      String title, String yTitle, Map<String, List<Point>> series, Double reference) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("as-of")
            .yAxisTitle(yTitle)
            .build();
    style(chart.getStyler());
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setDatePattern("yyyy-MM-dd");
    Date first = null;
    Date last = null;
    for (Map.Entry<String, List<Point>> e : series.entrySet()) {
      List<Date> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (Point p : e.getValue()) {
        x.add(Date.from(p.at()));
        y.add(p.value());
      }
      if (x.isEmpty()) {
        continue;
      }
      first = first == null || x.get(0).before(first) ? x.get(0) : first;
      last = last == null || x.get(x.size() - 1).after(last) ? x.get(x.size() - 1) : last;
      XYSeries s = chart.addSeries(e.getKey(), x, y);
      s.setMarker(x.size() > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    }
    if (reference != null && first != null) {
      XYSeries r =
          chart.addSeries(
              String.format(java.util.Locale.ROOT, "%.0f%%", reference * 100),
              List.of(first, last),
              List.of(reference, reference));
      r.setMarker(SeriesMarkers.NONE).setLineColor(REFERENCE).setLineStyle(dashed());
    }
    return png(chart);
  }

  /**
   * {@link #timeSeries} plus marks drawn as points without a line (e.g. the dates of promotions on
   * a cumulative accuracy curve).
   */
  public static byte[] timeSeriesWithMarks(
      String title,
      String yTitle,
      Map<String, List<Point>> series,
      Double reference,
      String marksName,
      List<Point> marks) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("as-of")
            .yAxisTitle(yTitle)
            .build();
    style(chart.getStyler());
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setDatePattern("yyyy-MM");
    Date first = null;
    Date last = null;
    for (Map.Entry<String, List<Point>> e : series.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      List<Date> x = e.getValue().stream().map(p -> Date.from(p.at())).toList();
      List<Double> y = e.getValue().stream().map(Point::value).toList();
      first = first == null || x.get(0).before(first) ? x.get(0) : first;
      last = last == null || x.get(x.size() - 1).after(last) ? x.get(x.size() - 1) : last;
      chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
    }
    if (!marks.isEmpty()) {
      XYSeries m =
          chart.addSeries(
              marksName,
              marks.stream().map(p -> Date.from(p.at())).toList(),
              marks.stream().map(Point::value).toList());
      m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      m.setMarker(SeriesMarkers.DIAMOND).setMarkerColor(Color.BLACK);
    }
    if (reference != null && first != null) {
      XYSeries r =
          chart.addSeries(
              String.format(java.util.Locale.ROOT, "%.0f%%", reference * 100),
              List.of(first, last),
              List.of(reference, reference));
      r.setMarker(SeriesMarkers.NONE).setLineColor(REFERENCE).setLineStyle(dashed());
    }
    return png(chart);
  }

  /**
   * Bars of named accuracies per category (e.g. served, candidate, naive per year) with the ends of
   * one interval per category drawn as markers.
   */
  public static byte[] accuracyWithIntervals(
      String title,
      String xTitle,
      List<String> categories,
      Map<String, List<Double>> bars,
      String intervalName,
      List<Double> low,
      List<Double> high) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle("accuracy")
            .build();
    style(chart.getStyler());
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    for (Map.Entry<String, List<Double>> e : bars.entrySet()) {
      chart.addSeries(e.getKey(), categories, e.getValue());
    }
    for (var end : List.of(low, high)) {
      CategorySeries s =
          chart.addSeries(intervalName + (end == low ? " low" : " high"), categories, end);
      s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.DIAMOND).setMarkerColor(Color.BLACK);
    }
    return png(chart);
  }

  /**
   * A reliability diagram: each series' observed frequency against its mean predicted probability
   * per bin, with the diagonal of perfect calibration.
   */
  public static byte[] reliability(
      String title, String xTitle, String yTitle, Map<String, List<ReliabilityPoint>> series) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    style(chart.getStyler());
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    chart
        .addSeries("perfectly calibrated", new double[] {0, 1}, new double[] {0, 1})
        .setMarker(SeriesMarkers.NONE)
        .setLineColor(REFERENCE)
        .setLineStyle(dashed());
    for (Map.Entry<String, List<ReliabilityPoint>> e : series.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      chart.addSeries(
          e.getKey(),
          e.getValue().stream().mapToDouble(ReliabilityPoint::predicted).toArray(),
          e.getValue().stream().mapToDouble(ReliabilityPoint::observed).toArray());
    }
    return png(chart);
  }

  /**
   * The 2 x 2 confusion matrix (actual in rows, predicted in columns, up first) as a heat map with
   * the counts written in the cells.
   */
  public static byte[] confusionMatrix(
      String title, long trueUp, long falseDown, long falseUp, long trueDown) {
    HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title).build();
    chart.getStyler().setShowValue(true);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setHeatMapValueDecimalPattern("#");
    chart.getStyler().setRangeColors(new Color[] {new Color(235, 242, 250), ML});
    chart.getStyler().setXAxisTitleVisible(true).setYAxisTitleVisible(true);
    chart.setXAxisTitle("predicted");
    chart.setYAxisTitle("actual");
    List<Number[]> cells = new ArrayList<>();
    // x = predicted (0 up, 1 down), y = actual (0 down, 1 up: up is drawn on top).
    cells.add(new Number[] {0, 1, trueUp});
    cells.add(new Number[] {1, 1, falseDown});
    cells.add(new Number[] {0, 0, falseUp});
    cells.add(new Number[] {1, 0, trueDown});
    chart.addSeries("counts", List.of("up", "down"), List.of("down", "up"), cells);
    return png(chart);
  }

  /**
   * Bars of one value per name (feature importances, drift PSI), in the given order, with an
   * optional threshold line.
   */
  public static byte[] bars(
      String title, String yTitle, Map<String, Double> values, Double threshold) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("")
            .yAxisTitle(yTitle)
            .build();
    style(chart.getStyler());
    chart.getStyler().setXAxisLabelRotation(60);
    chart.getStyler().setLegendVisible(threshold != null);
    List<String> names = new ArrayList<>(values.keySet());
    chart.addSeries(yTitle, names, new ArrayList<>(values.values())).setFillColor(ML);
    if (threshold != null) {
      CategorySeries line =
          chart.addSeries(
              String.format(java.util.Locale.ROOT, "alert above %.2f", threshold),
              names,
              names.stream().map(n -> threshold).toList());
      line.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
      line.setMarker(SeriesMarkers.NONE).setLineColor(Color.RED);
    }
    return png(chart);
  }

  private static void style(Styler styler) {
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setLegendPosition(Styler.LegendPosition.InsideNW);
    styler.setLegendBackgroundColor(new Color(255, 255, 255, 200));
    styler.setAntiAlias(true);
  }

  private static BasicStroke dashed() {
    return new BasicStroke(
        1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
  }

  private static byte[] png(Chart<?, ?> chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode chart '" + chart.getTitle() + "'", e);
    }
  }
}
