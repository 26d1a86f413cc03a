package dev.forecaster.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Every chart of the reports renders to a real PNG of the expected size with content. */
class ChartsTest {
  static final Instant DAY0 = Instant.parse("2025-01-01T00:00:00Z");

  /** Decodes the PNG and checks its size and that it has more than one colour. */
  static BufferedImage assertRealChart(byte[] png) throws IOException {
    assertTrue(png.length > 1000, "a PNG of " + png.length + " bytes");
    assertEquals(
        List.of((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G'),
        List.of(png[0], png[1], png[2], png[3]),
        "PNG signature");
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertNotNull(image, "ImageIO decodes it");
    assertEquals(Charts.WIDTH, image.getWidth());
    assertEquals(Charts.HEIGHT, image.getHeight());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight() && colours.size() < 3; y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 1, "not blank: " + colours.size() + " colours");
    return image;
  }

  static List<Charts.Point> line(double... values) {
    List<Charts.Point> points = new java.util.ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      points.add(new Charts.Point(DAY0.plusSeconds(86_400L * i), values[i]));
    }
    return points;
  }

  @Test
  void accuracyPerSymbolWithWilsonIntervals() throws IOException {
    assertRealChart(
        Charts.accuracyBySymbol(
            "ML vs naive",
            List.of(
                new Charts.SymbolAccuracy("BTC-USD", 0.62, 0.55, 0.49, 0.73),
                new Charts.SymbolAccuracy("ETH-USD", 0.58, 0.60, 0.45, 0.70))));
  }

  @Test
  void timeSeriesWithAReferenceLine() throws IOException {
    Map<String, List<Charts.Point>> series = new LinkedHashMap<>();
    series.put("ML", line(1.0, 0.5, 0.667, 0.75));
    series.put("naive", line(0.0, 0.5, 0.333, 0.5));
    assertRealChart(Charts.timeSeries("cumulative", "accuracy", series, 0.5));
  }

  @Test
  void reliabilityDiagram() throws IOException {
    Map<String, List<Charts.ReliabilityPoint>> series = new LinkedHashMap<>();
    series.put(
        "before",
        List.of(
            new Charts.ReliabilityPoint(0.15, 0.30, 10),
            new Charts.ReliabilityPoint(0.85, 0.70, 12)));
    series.put("after", List.of(new Charts.ReliabilityPoint(0.35, 0.33, 22)));
    assertRealChart(Charts.reliability("reliability", "predicted", "observed", series));
  }

  @Test
  void confusionMatrix() throws IOException {
    assertRealChart(Charts.confusionMatrix("confusion", 40, 10, 12, 38));
  }

  @Test
  void barsForImportancesAndDriftWithAThreshold() throws IOException {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("price_r_7d", 0.31);
    values.put("price_vol_30d", 0.12);
    values.put("symbol", 0.02);
    assertRealChart(Charts.bars("importances", "importance", values, null));
    assertRealChart(Charts.bars("drift", "PSI", values, 0.2));
  }
}
