package dev.forecaster.reader;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Optional;

/** Delta timestamps (microseconds since the epoch) to and from what the API shows and accepts. */
public final class Instants {
  private static final long MIN =
      LocalDate.of(1, 1, 1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
  private static final long MAX =
      LocalDate.of(9999, 12, 31).atStartOfDay(ZoneOffset.UTC).toEpochSecond();

  private Instants() {}

  public static Instant fromMicros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  public static long toMicros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000L;
  }

  /** ISO-8601 in UTC with Z, e.g. {@code 2025-12-12T00:00:00Z}. */
  public static String format(long micros) {
    return DateTimeFormatter.ISO_INSTANT.format(fromMicros(micros));
  }

  /**
   * Parses an as-of: a date ({@code 2025-12-12}, meaning 00:00 UTC), or a date-time with {@code Z}
   * or an offset, or without one (UTC). Empty when the text is none of these.
   */
  public static Optional<Instant> parse(String text) {
    Instant instant;
    try {
      if (text.length() == 10) {
        instant = Instant.ofEpochSecond(date(text).toEpochDay() * 86_400L);
      } else if ((instant = utcSeconds(text)) != null) {
        // yyyy-mm-ddThh:mm:ssZ, read without the formatter (below, which reads it the same)
      } else {
        TemporalAccessor t =
            DateTimeFormatter.ISO_DATE_TIME.parseBest(
                text, ZonedDateTime::from, LocalDateTime::from);
        instant =
            t instanceof ZonedDateTime z
                ? z.toInstant()
                : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
      }
    } catch (DateTimeParseException | ArithmeticException e) {
      return Optional.empty();
    }
    long s = instant.getEpochSecond();
    return s < MIN || s > MAX ? Optional.empty() : Optional.of(instant);
  }

  /**
   * A yyyy-mm-dd date as {@link LocalDate#parse} reads it, without its parser's allocations for the
   * common form (ASCII digits); anything else goes to the parser.
   */
  private static LocalDate date(String text) {
    if (text.charAt(4) == '-' && text.charAt(7) == '-') {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 7);
      int day = digits(text, 8, 10);
      if (year >= 0 && month >= 0 && day >= 0) {
        try {
          return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
          throw new DateTimeParseException(e.getMessage(), text, 0, e);
        }
      }
    }
    return LocalDate.parse(text);
  }

  /**
   * {@code yyyy-mm-ddThh:mm:ssZ} in ASCII digits with valid fields, as the ISO parser below reads
   * it, without its allocations; null for anything else (which goes to the parser).
   */
  private static Instant utcSeconds(String text) {
    if (text.length() != 20
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    try {
      return Instant.ofEpochSecond(
          LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC));
    } catch (DateTimeException e) {
      return null; // the parser gives its own answer (an error, as ISO_DATE_TIME is strict)
    }
  }

  /**
   * The value of text[from, to) when it is all ASCII digits (0 when empty), else -1. Callers pass
   * at most 9 digits, so it cannot overflow.
   */
  static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
