package dev.forecaster.walkforward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The time during which at least one forest was being fitted, with the horizons in parallel. */
class FitWallSecondsTest {
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  static WalkForwardJob.Retrain fit(double startSecond, double seconds) {
    return new WalkForwardJob.Retrain(
        10_080,
        T0,
        "m",
        "v1",
        "PASSED",
        "",
        true,
        "v1",
        null,
        null,
        null,
        null,
        null,
        null,
        seconds,
        startSecond < 0 ? null : T0.plusMillis((long) (startSecond * 1000)),
        seconds + 5,
        null);
  }

  @Test
  void overlappingFitsCountOnceAndGapsNotAtAll() {
    // [0, 10] and [5, 12] overlap: 12 s; [20, 25]: 5 s; [21, 23] lies inside it; 17 s in all
    assertEquals(
        17.0,
        WalkForwardJob.fitWallSeconds(List.of(fit(20, 5), fit(0, 10), fit(21, 2), fit(5, 7))),
        1e-9);
    // one fit alone is its own length; a reused version (no fit) and an untrained one add nothing
    assertEquals(
        3.5, WalkForwardJob.fitWallSeconds(List.of(fit(1, 3.5), fit(-1, 0), fit(9, 0))), 1e-9);
    assertEquals(0.0, WalkForwardJob.fitWallSeconds(List.of()), 0.0);
  }
}
