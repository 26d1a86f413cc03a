package dev.forecaster.backtest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The backtest window of FORECASTING.md section 8: the {@code days} consecutive daily as-ofs ending
 * at the latest as-of that has a matured sample; its start W is the first of them.
 */
public record BacktestWindow(Instant start, Instant end, int days) {
  private static final Duration DAY = Duration.ofDays(1);

  public static BacktestWindow endingAt(Instant lastMaturedAsOf, int days) {
    return new BacktestWindow(
        lastMaturedAsOf.minus(DAY.multipliedBy(days - 1L)), lastMaturedAsOf, days);
  }

  public List<Instant> asOfs() {
    List<Instant> asOfs = new ArrayList<>();
    for (Instant t = start; !t.isAfter(end); t = t.plus(DAY)) {
      asOfs.add(t);
    }
    return asOfs;
  }

  /** The leakage guard: a training sample at t is allowed iff {@code t + h <= W}. */
  public boolean allowsTrainingSample(Instant asOf, int horizonMinutes) {
    return !asOf.plus(Duration.ofMinutes(horizonMinutes)).isAfter(start);
  }

  /** The latest as-of a training sample may have. */
  public Instant latestTrainingAsOf(int horizonMinutes) {
    return start.minus(Duration.ofMinutes(horizonMinutes));
  }
}
