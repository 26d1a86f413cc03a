package dev.forecaster.walkforward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.forecaster.backtest.Hac;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which model serves each month (FORECASTING.md section 10), and the summary lines, by hand. */
class ScheduleTest {
  static Instant d(String date) {
    return Instant.parse(date + "T00:00:00Z");
  }

  @Test
  void retrainDatesRunFromTheFirstOfTheMonthAtOrBeforeTheStart() {
    assertEquals(
        List.of(d("2024-01-01"), d("2024-02-01"), d("2024-03-01")),
        RetrainDates.monthly(d("2024-01-15"), d("2024-03-01")));
    assertEquals(List.of(d("2024-02-01")), RetrainDates.monthly(d("2024-02-01"), d("2024-02-29")));
    // across a year end
    assertEquals(
        List.of(d("2024-12-01"), d("2025-01-01")),
        RetrainDates.monthly(d("2024-12-31"), d("2025-01-05")));
  }

  @Test
  void aRejectedCandidateLeavesThePreviousPromotionServing() {
    // r0: nothing trained (no samples); r1: v1 rejected; r2: v2 promoted; r3: v3 rejected;
    // r4: v4 promoted.
    List<Schedule.Retrain> retrains =
        List.of(
            new Schedule.Retrain(d("2024-01-01"), null, null, false),
            new Schedule.Retrain(d("2024-02-01"), "v1", d("2023-12-01"), false),
            new Schedule.Retrain(d("2024-03-01"), "v2", d("2024-01-01"), true),
            new Schedule.Retrain(d("2024-04-01"), "v3", d("2024-02-01"), false),
            new Schedule.Retrain(d("2024-05-01"), "v4", d("2024-03-01"), true));
    List<Schedule.Interval> i = Schedule.intervals(retrains, d("2024-05-20"));
    assertEquals(5, i.size());
    assertNull(i.get(0).candidateVersion());
    assertNull(i.get(0).servedVersion());
    assertEquals("v1", i.get(1).candidateVersion());
    assertNull(i.get(1).servedVersion()); // rejected and nothing promoted before: naive
    assertEquals("v2", i.get(2).servedVersion());
    assertEquals("v3", i.get(3).candidateVersion());
    assertEquals("v2", i.get(3).servedVersion()); // v3 rejected: v2 keeps serving
    assertEquals(d("2024-01-01"), i.get(3).servedLastTrain());
    assertEquals("v4", i.get(4).servedVersion());
    // intervals switch exactly at r_k and the last one ends at the given end
    for (int k = 0; k < 5; k++) {
      assertEquals(retrains.get(k).date(), i.get(k).from());
    }
    assertEquals(d("2024-02-01"), i.get(0).until());
    assertEquals(d("2024-05-20"), i.get(4).until());
  }

  @Test
  void summaryLinesCountByHand() {
    // Two symbols, two days in 2024 and one in 2025, 1d horizon.
    long day1 = d("2024-12-30").getEpochSecond();
    long day2 = d("2024-12-31").getEpochSecond();
    long day3 = d("2025-01-01").getEpochSecond();
    List<WalkForwardSummary.Pair> pairs =
        List.of(
            // symbol, t, year, served, candidate, naive, served p, cand p, up, by ML, leak
            new WalkForwardSummary.Pair(
                "A", day1, 2024, true, true, false, 0.8, 0.8, true, true, false),
            new WalkForwardSummary.Pair(
                "B", day1, 2024, false, true, true, 0.6, 0.4, false, true, false),
            new WalkForwardSummary.Pair(
                "A", day2, 2024, true, false, true, 0.3, 0.7, false, false, false),
            new WalkForwardSummary.Pair(
                "A", day3, 2025, true, true, true, 0.9, 0.9, true, true, false));
    List<WalkForwardSummary.Line> lines =
        WalkForwardSummary.lines(
            pairs,
            1_440,
            List.of(
                new WalkForwardSummary.RetrainOutcome(d("2024-12-01"), true),
                new WalkForwardSummary.RetrainOutcome(d("2025-01-01"), false)));
    WalkForwardSummary.Line all = lines.get(0);
    assertEquals(WalkForwardSummary.OVERALL, all.level());
    assertEquals(4, all.n());
    assertEquals(0.75, all.servedAccuracy(), 1e-15); // 3 of 4
    assertEquals(0.75, all.candidateAccuracy(), 1e-15);
    assertEquals(0.75, all.naiveAccuracy(), 1e-15);
    assertEquals(0.0, all.servedImprovementPp(), 1e-12);
    // Brier served: (0.8-1)^2 + (0.6-0)^2 + (0.3-0)^2 + (0.9-1)^2 = .04 + .36 + .09 + .01 = 0.5
    assertEquals(0.125, all.servedBrier(), 1e-15);
    assertEquals(0.75, all.mlServedShare(), 1e-15);
    assertEquals(2, all.retrains());
    assertEquals(1, all.promotions());
    // D_t served - naive: day1 ((1-0) + (0-1)) / 2 = 0, day2 0, day3 0: no variance
    assertEquals(0.0, all.servedVsNaive().diff(), 1e-15);
    assertNull(all.servedVsNaive().se());
    // per symbol: A then B; per year: 2024 then 2025 with one retrain each
    assertEquals("A", lines.get(1).symbol());
    assertEquals(3, lines.get(1).n());
    assertEquals("B", lines.get(2).symbol());
    assertEquals(0.0, lines.get(2).servedAccuracy(), 0);
    assertEquals(Integer.valueOf(2024), lines.get(3).year());
    assertEquals(3, lines.get(3).n());
    assertEquals(1, lines.get(3).promotions());
    assertEquals(Integer.valueOf(2025), lines.get(4).year());
    assertEquals(0, lines.get(4).promotions());
    assertEquals(Hac.Result.EMPTY.p(), lines.get(4).servedVsNaive().p());
  }
}
