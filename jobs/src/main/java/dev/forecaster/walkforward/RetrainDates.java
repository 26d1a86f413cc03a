package dev.forecaster.walkforward;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The retrain dates r_k of FORECASTING.md section 10: 00:00 UTC on the first of each month. */
public final class RetrainDates {
  private RetrainDates() {}

  /** From the last first-of-month at or before {@code from} through {@code to}. */
  public static List<Instant> monthly(Instant from, Instant to) {
    LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC).withDayOfMonth(1);
    List<Instant> dates = new ArrayList<>();
    for (LocalDate d = first; !d.atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(to); ) {
      dates.add(d.atStartOfDay(ZoneOffset.UTC).toInstant());
      d = d.plusMonths(1);
    }
    return dates;
  }
}
