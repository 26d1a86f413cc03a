package dev.forecaster.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.regex.Pattern;

/**
 * Parses the timestamp forms found in landing files: ISO-8601 with Z or an offset, a date alone
 * (00:00 UTC), a date-time without zone (taken as UTC; a space may replace the T), and epoch
 * seconds or milliseconds (a value above 10^11 is milliseconds: 10^11 seconds is the year 5138).
 */
public final class Timestamps {
  private static final Pattern EPOCH = Pattern.compile("-?\\d+(\\.\\d+)?");
  private static final Pattern DATE_ONLY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final double MILLIS_THRESHOLD = 1e11;
  private static final DateTimeFormatter LOCAL =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .toFormatter();

  private Timestamps() {}

  /**
   * Parses one timestamp.
   *
   * @throws IllegalArgumentException with a message naming the forms accepted
   */
  public static Instant parse(String text) {
    String s = text == null ? "" : text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("missing timestamp");
    }
    try {
      if (s.length() == 20 && s.charAt(10) == 'T' && s.charAt(19) == 'Z') {
        return Instant.parse(s); // the common form, parsed fast
      }
      if (EPOCH.matcher(s).matches()) {
        double value = Double.parseDouble(s);
        long millis =
            Math.abs(value) >= MILLIS_THRESHOLD ? Math.round(value) : Math.round(value * 1000);
        return Instant.ofEpochMilli(millis);
      }
      if (DATE_ONLY.matcher(s).matches()) {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      var parsed = LOCAL.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
      if (parsed instanceof OffsetDateTime odt) {
        return odt.toInstant();
      }
      return ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "unparseable timestamp '"
              + (s.length() > 40 ? s.substring(0, 40) + "..." : s)
              + "' (expected ISO-8601 such as 2025-12-12T00:00:00Z, a date, or epoch seconds/ms)");
    }
  }
}
