package dev.forecaster.backtest;

import dev.forecaster.config.ForecasterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The validation gate of FORECASTING.md section 8. A model whose training reaches into the window
 * is never gated: the outcome is {@link Outcome#LEAKAGE}.
 */
public final class Gate {
  private static final double EPSILON = 1e-9;

  private Gate() {}

  /** What the gate decided. */
  public enum Outcome {
    PASSED,
    FAILED,
    LEAKAGE
  }

  /** The decision and, when it failed, each failed criterion in words. */
  public record Result(Outcome outcome, List<String> failures) {
    public boolean passed() {
      return outcome == Outcome.PASSED;
    }
  }

  /**
   * @param overall the overall line
   * @param bySymbol one line per symbol of the window
   * @param leakageSamples training samples with t + h > W (0 when the guard holds)
   */
  public static Result evaluate(
      SummaryLine overall,
      List<SummaryLine> bySymbol,
      long leakageSamples,
      ForecasterConfig.Gate thresholds) {
    if (leakageSamples > 0) {
      return new Result(
          Outcome.LEAKAGE,
          List.of(
              String.format(
                  "leakage guard: %d training samples have t + h after the window start",
                  leakageSamples)));
    }
    List<String> failures = new ArrayList<>();
    if (overall.n() == 0) {
      failures.add("no backtest pairs: the window has no sample with both forecasts");
      return new Result(Outcome.FAILED, failures);
    }
    if (overall.improvementPp() + EPSILON < thresholds.minImprovementPp()) {
      failures.add(
          String.format(
              Locale.ROOT,
              "overall ML accuracy %.1f%% is not at least naive %.1f%% + %.1f pp",
              overall.mlAccuracy() * 100,
              overall.naiveAccuracy() * 100,
              thresholds.minImprovementPp()));
    }
    List<SummaryLine> scored = bySymbol.stream().filter(s -> s.n() > 0).toList();
    for (SummaryLine s : scored) {
      if (thresholds.symbolRule() == ForecasterConfig.SymbolRule.WILSON) {
        if (s.wilson().high() + EPSILON < thresholds.minSymbolAccuracy()) {
          failures.add(
              String.format(
                  Locale.ROOT,
                  "%s: ML accuracy %.1f%% with its Wilson 95%% interval [%.1f%%, %.1f%%] wholly"
                      + " below %.1f%%",
                  s.symbol(),
                  s.mlAccuracy() * 100,
                  s.wilson().low() * 100,
                  s.wilson().high() * 100,
                  thresholds.minSymbolAccuracy() * 100));
        }
      } else if (s.mlAccuracy() + EPSILON < thresholds.minSymbolAccuracy()) {
        failures.add(
            String.format(
                Locale.ROOT,
                "%s: ML accuracy %.1f%% is below %.1f%%",
                s.symbol(),
                s.mlAccuracy() * 100,
                thresholds.minSymbolAccuracy() * 100));
      }
    }
    long beats = scored.stream().filter(SummaryLine::mlBeatsNaive).count();
    if (beats + EPSILON < thresholds.minBeatShare() * scored.size()) {
      failures.add(
          String.format(
              Locale.ROOT,
              "ML beats naive on %d of %d symbols, fewer than %.0f%%",
              beats,
              scored.size(),
              thresholds.minBeatShare() * 100));
    }
    return new Result(failures.isEmpty() ? Outcome.PASSED : Outcome.FAILED, List.copyOf(failures));
  }
}
