package dev.forecaster.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The monitor's and calibration's settings: the seed defaults, and values that are refused. */
class MonitorConfigTest {
  @Test
  void defaultsAreTheSeedSystemsThresholds() {
    ForecasterConfig config = ConfigLoader.defaults();
    ForecasterConfig.Monitor m = config.monitor();
    assertEquals(100, m.windowForecasts());
    assertEquals(Duration.ofDays(7), m.usageWindow());
    assertEquals(Duration.ofDays(30), m.driftWindow());
    assertEquals(
        new ForecasterConfig.Alerts(
            0.70,
            List.of(10_080),
            100,
            0.05,
            0.10,
            0.2,
            Duration.ofDays(2),
            Duration.ofDays(2),
            0.05),
        m.alerts());
    assertEquals(Duration.ofDays(14), m.unscorableRecheck());
    assertFalse(config.plattCalibration(), "calibration is off unless asked for");
  }

  @Test
  void aShareOutsideZeroToOneIsRefusedNamingTheKey() {
    ForecasterException e =
        assertThrows(
            ForecasterException.class,
            () -> ConfigLoader.load(null, Map.of("monitor.alerts.max-fallback-rate", 10)));
    assertTrue(
        e.getMessage().contains("'monitor.alerts.max-fallback-rate' must be in [0, 1]"),
        e.getMessage());
    assertThrows(
        ForecasterException.class,
        () -> ConfigLoader.load(null, Map.of("monitor.window-forecasts", 0)));
  }
}
