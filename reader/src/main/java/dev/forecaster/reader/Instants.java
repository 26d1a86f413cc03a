package dev.forecaster.reader;

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
        instant = LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
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
}
