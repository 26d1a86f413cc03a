package dev.forecaster.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window of FORECASTING.md section 8 and its leakage guard. */
class BacktestWindowTest {
  static final Instant END = Instant.parse("2025-12-24T00:00:00Z");

  @Test
  void sixtyAsOfsEndingAtTheLatestMaturedOne() {
    BacktestWindow w = BacktestWindow.endingAt(END, 60);
    // Dec 24 back 59 days: 23 to Dec 1, 30 more to Nov 1, 6 more to Oct 26
    assertEquals(Instant.parse("2025-10-26T00:00:00Z"), w.start());
    assertEquals(END, w.end());
    List<Instant> asOfs = w.asOfs();
    assertEquals(60, asOfs.size());
    assertEquals(w.start(), asOfs.get(0));
    assertEquals(END, asOfs.get(59));
    assertEquals(Instant.parse("2025-10-27T00:00:00Z"), asOfs.get(1));
    assertEquals(List.of(END), BacktestWindow.endingAt(END, 1).asOfs());
  }

  @Test
  void aTrainingSampleIsAllowedIffItsLabelEndsByTheWindowStart() {
    BacktestWindow w = BacktestWindow.endingAt(END, 60);
    Instant start = Instant.parse("2025-10-26T00:00:00Z");
    // 7 d horizon: the latest allowed as-of is W - 7 d = Oct 19
    assertEquals(Instant.parse("2025-10-19T00:00:00Z"), w.latestTrainingAsOf(10_080));
    assertTrue(w.allowsTrainingSample(Instant.parse("2025-10-19T00:00:00Z"), 10_080));
    assertFalse(w.allowsTrainingSample(Instant.parse("2025-10-19T00:00:01Z"), 10_080));
    assertFalse(w.allowsTrainingSample(Instant.parse("2025-10-20T00:00:00Z"), 10_080));
    // 1 d horizon: up to Oct 25; 30 d: up to Sep 26
    assertTrue(w.allowsTrainingSample(Instant.parse("2025-10-25T00:00:00Z"), 1_440));
    assertFalse(w.allowsTrainingSample(start, 1_440));
    assertEquals(Instant.parse("2025-09-26T00:00:00Z"), w.latestTrainingAsOf(43_200));
  }
}
