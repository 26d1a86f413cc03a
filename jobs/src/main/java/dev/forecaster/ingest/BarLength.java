package dev.forecaster.ingest;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a bar length such as {@code 1h}, {@code 4h}, {@code 1d}, {@code 15m} or seconds. */
public final class BarLength {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([smhd]?)");

  private BarLength() {}

  /**
   * Returns the length in seconds.
   *
   * @throws IllegalArgumentException when the text is not a positive length
   */
  public static long parseSeconds(String text) {
    Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a bar length: use e.g. 1h, 4h, 1d, 15m or seconds");
    }
    long n = Long.parseLong(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "m" -> 60;
          case "h" -> 3_600;
          case "d" -> 86_400;
          default -> 1;
        };
    long seconds = n * unit;
    if (seconds <= 0) {
      throw new IllegalArgumentException("bar length must be positive, got '" + text + "'");
    }
    return seconds;
  }
}
