package dev.forecaster.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  private static final Instant MARCH_4 = Instant.parse("2021-03-04T00:00:00Z");

  @Test
  void acceptsEveryDocumentedForm() {
    assertEquals(MARCH_4, Timestamps.parse("2021-03-04T00:00:00Z"));
    assertEquals(MARCH_4, Timestamps.parse("2021-03-04"));
    assertEquals(MARCH_4, Timestamps.parse("2021-03-04 00:00:00"));
    assertEquals(MARCH_4, Timestamps.parse("2021-03-04T00:00:00.000Z"));
    assertEquals(MARCH_4, Timestamps.parse("2021-03-04 00:00:00+00:00"));
    // 02:00 at +02:00 is midnight UTC
    assertEquals(MARCH_4, Timestamps.parse("2021-03-04T02:00:00+02:00"));
    assertEquals(MARCH_4, Timestamps.parse("2021-03-03T19:00:00-0500"));
    // 2021-03-04T00:00:00Z = 1614816000 s since the epoch
    assertEquals(MARCH_4, Timestamps.parse("1614816000"));
    assertEquals(MARCH_4, Timestamps.parse("1614816000000"));
    assertEquals(MARCH_4, Timestamps.parse(" 1614816000 "));
  }

  @Test
  void rejectsGarbageWithAMessageNamingTheForms() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parse("yesterday"));
    assertTrue(e.getMessage().contains("unparseable timestamp 'yesterday'"), e.getMessage());
    assertTrue(e.getMessage().contains("ISO-8601"));
    assertEquals(
        "missing timestamp",
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parse("  ")).getMessage());
  }

  @Test
  void barLengths() {
    assertEquals(3_600, BarLength.parseSeconds("1h"));
    assertEquals(14_400, BarLength.parseSeconds("4h"));
    assertEquals(86_400, BarLength.parseSeconds("1d"));
    assertEquals(900, BarLength.parseSeconds("15m"));
    assertEquals(60, BarLength.parseSeconds("60"));
    assertThrows(IllegalArgumentException.class, () -> BarLength.parseSeconds("daily"));
    assertThrows(IllegalArgumentException.class, () -> BarLength.parseSeconds("0h"));
  }
}
