package dev.forecaster.cli;

import dev.forecaster.errors.Errors;
import dev.forecaster.ingest.Timestamps;
import dev.forecaster.model.Horizons;
import java.time.Instant;

/** Parsing of option values shared by the commands, with errors that name the option. */
final class CliValues {
  private CliValues() {}

  /** An ISO-8601 instant or a date (00:00 UTC); null stays null. */
  static Instant instant(String option, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Timestamps.parse(value);
    } catch (IllegalArgumentException e) {
      throw Errors.invalidOption(option, value, "an ISO-8601 instant or a date");
    }
  }

  static int horizon(String option, String value) {
    try {
      int minutes = Horizons.parse(value);
      if (minutes <= 0) {
        throw new IllegalArgumentException();
      }
      return minutes;
    } catch (IllegalArgumentException e) {
      throw Errors.invalidOption(option, value, "a horizon such as 1d, 7d, 30d, 12h or minutes");
    }
  }

  /** A duration in the configuration's syntax ({@code 30d}, {@code 168h}, {@code 14 days}). */
  static java.time.Duration duration(String option, String value) {
    try {
      java.time.Duration d =
          com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("d", value)).getDuration("d");
      if (d.isNegative()) {
        throw new IllegalArgumentException();
      }
      return d;
    } catch (com.typesafe.config.ConfigException | IllegalArgumentException e) {
      throw Errors.invalidOption(option, value, "a duration such as 30d, 168h or 14 days");
    }
  }

  private static final int MAX_AS_OFS = 100_000;

  /** One --as-of instant, or every day 00:00 UTC from --from to --to (inclusive). */
  static java.util.List<Instant> asOfs(String asOf, String from, String to) {
    if (asOf != null && (from != null || to != null)) {
      throw Errors.invalidOption(
          "options", "--as-of with --from/--to", "either --as-of or --from and --to");
    }
    if (asOf != null) {
      return java.util.List.of(instant("--as-of", asOf));
    }
    if (from == null || to == null) {
      throw Errors.invalidOption("options", "(none)", "--from DATE --to DATE, or --as-of INSTANT");
    }
    Instant first = instant("--from", from);
    Instant last = instant("--to", to);
    if (last.isBefore(first)) {
      throw Errors.invalidOption("--to", to, "an instant not before --from " + from);
    }
    java.util.List<Instant> grid = new java.util.ArrayList<>();
    for (Instant t = first; !t.isAfter(last); t = t.plusSeconds(86_400)) {
      grid.add(t);
      if (grid.size() > MAX_AS_OFS) {
        throw Errors.invalidOption(
            "--from/--to", from + ".." + to, "at most " + MAX_AS_OFS + " days");
      }
    }
    return grid;
  }
}
