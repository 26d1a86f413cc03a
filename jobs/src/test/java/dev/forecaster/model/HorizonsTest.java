package dev.forecaster.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HorizonsTest {
  @Test
  void labelsNameTheLargestWholeUnit() {
    assertEquals("1d", Horizons.label(1_440));
    assertEquals("7d", Horizons.label(10_080));
    assertEquals("30d", Horizons.label(43_200));
    assertEquals("4h", Horizons.label(240));
    assertEquals("36h", Horizons.label(2_160));
    assertEquals("45m", Horizons.label(45));
  }

  @Test
  void parseReadsDaysHoursMinutesAndPlainMinutes() {
    assertEquals(10_080, Horizons.parse("7d"));
    assertEquals(43_200, Horizons.parse(" 30D "));
    assertEquals(720, Horizons.parse("12h"));
    assertEquals(90, Horizons.parse("90m"));
    assertEquals(1_440, Horizons.parse("1440"));
    for (String bad : new String[] {"", "d", "7 days", "x1d", "9999999999d"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Horizons.parse(bad));
      assertEquals("not a horizon: " + bad, e.getMessage());
    }
  }

  @Test
  void modelsAreNamedAfterTheirHorizon() {
    assertEquals("ml_forecaster_7d_rf", Horizons.modelName(10_080));
    assertEquals("ml_forecaster_1d_rf", Horizons.modelName(1_440));
    assertEquals("ml_forecaster_4h_rf", Horizons.modelName(240));
  }
}
