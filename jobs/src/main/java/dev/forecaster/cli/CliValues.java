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
}
