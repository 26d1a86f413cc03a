package dev.forecaster.model;

import java.util.Locale;

/** Horizon names: 1440 minutes is "1d", 240 is "4h", 45 is "45m"; models are named after them. */
public final class Horizons {
  private Horizons() {}

  public static String label(int minutes) {
    if (minutes % 1440 == 0) {
      return minutes / 1440 + "d";
    }
    if (minutes % 60 == 0) {
      return minutes / 60 + "h";
    }
    return minutes + "m";
  }

  /** Parses 7d, 12h, 90m or plain minutes. */
  public static int parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("d")) {
        return Math.multiplyExact(Integer.parseInt(t.substring(0, t.length() - 1)), 1440);
      }
      if (t.endsWith("h")) {
        return Math.multiplyExact(Integer.parseInt(t.substring(0, t.length() - 1)), 60);
      }
      if (t.endsWith("m")) {
        return Integer.parseInt(t.substring(0, t.length() - 1));
      }
      return Integer.parseInt(t);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("not a horizon: " + text);
    }
  }

  /** {@code ml_forecaster_{H}_rf} (FORECASTING.md section 5). */
  public static String modelName(int minutes) {
    return "ml_forecaster_" + label(minutes) + "_rf";
  }
}
