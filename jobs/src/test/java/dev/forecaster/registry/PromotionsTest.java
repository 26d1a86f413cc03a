package dev.forecaster.registry;

import static dev.forecaster.registry.RegistryEntry.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.errors.ForecasterException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's rules as pure functions of its rows. */
class PromotionsTest {
  static final String M7 = "ml_forecaster_7d_rf";
  static final String M1 = "ml_forecaster_1d_rf";
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

  static RegistryEntry entry(String name, int number, int horizon, String status) {
    return new RegistryEntry(
        name,
        "v" + number,
        number,
        horizon,
        60,
        status,
        "models/" + name + "/v" + number + "/pipeline",
        "models/" + name + "/v" + number + "/metadata.json",
        "fp" + number,
        T0,
        T0,
        "trained");
  }

  static StatusChange change(String name, int number, String from, String to, int day) {
    return new StatusChange(
        name,
        "v" + number,
        name.equals(M1) ? 1_440 : 10_080,
        from,
        to,
        "why",
        null,
        T0.plusSeconds(86_400L * day),
        "run" + day);
  }

  static List<RegistryEntry> replace(List<RegistryEntry> all, List<RegistryEntry> changed) {
    List<RegistryEntry> out = new ArrayList<>(all);
    for (RegistryEntry c : changed) {
      out.removeIf(e -> e.ref().equals(c.ref()));
      out.add(c);
    }
    return out;
  }

  static String statusOf(List<RegistryEntry> all, String ref) {
    return all.stream().filter(e -> e.ref().equals(ref)).findFirst().orElseThrow().status();
  }

  @Test
  void promotingRetiresTheVersionItReplacesAndOnlyThatOne() {
    List<RegistryEntry> all =
        List.of(
            entry(M7, 1, 10_080, PROMOTED),
            entry(M7, 2, 10_080, CANDIDATE),
            entry(M7, 3, 10_080, REJECTED),
            entry(M1, 1, 1_440, PROMOTED));
    List<RegistryEntry> changed = Promotions.promote(all, all.get(1), "gate passed", NOW);
    assertEquals(2, changed.size());
    assertEquals(M7 + ":v1", changed.get(0).ref());
    assertEquals(RETIRED, changed.get(0).status());
    assertEquals("replaced by " + M7 + ":v2", changed.get(0).statusReason());
    assertEquals(NOW, changed.get(0).updatedAt());
    assertEquals(M7 + ":v2", changed.get(1).ref());
    assertEquals(PROMOTED, changed.get(1).status());
    assertEquals("gate passed", changed.get(1).statusReason());

    List<RegistryEntry> after = replace(all, changed);
    Promotions.checkOnePromotedPerHorizon(after);
    assertEquals(REJECTED, statusOf(after, M7 + ":v3"));
    assertEquals(PROMOTED, statusOf(after, M1 + ":v1")); // another horizon is left alone
    assertEquals(
        1,
        after.stream()
            .filter(e -> e.horizonMinutes() == 10_080 && PROMOTED.equals(e.status()))
            .count());
  }

  @Test
  void promotingWithNothingPromotedChangesOnlyTheTarget() {
    List<RegistryEntry> all = List.of(entry(M7, 1, 10_080, CANDIDATE));
    List<RegistryEntry> changed = Promotions.promote(all, all.get(0), "by hand", NOW);
    assertEquals(List.of(all.get(0).withStatus(PROMOTED, "by hand", NOW)), changed);
  }

  @Test
  void twoPromotedVersionsOfOneHorizonBreakTheInvariant() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Promotions.checkOnePromotedPerHorizon(
                    List.of(entry(M7, 1, 10_080, PROMOTED), entry(M7, 2, 10_080, PROMOTED))));
    assertTrue(e.getMessage().contains("horizon 10080 has 2 promoted versions"), e.getMessage());
    // one per horizon is fine
    Promotions.checkOnePromotedPerHorizon(
        List.of(entry(M7, 1, 10_080, PROMOTED), entry(M1, 1, 1_440, PROMOTED)));
  }

  /** v1 promoted on day 1, v2 on day 2 (v1 retired), v3 on day 3 (v2 retired). */
  static List<StatusChange> threePromotions() {
    return List.of(
        change(M7, 1, null, CANDIDATE, 0),
        change(M7, 2, null, CANDIDATE, 0),
        change(M7, 3, null, CANDIDATE, 0),
        change(M7, 1, CANDIDATE, PROMOTED, 1),
        change(M7, 1, PROMOTED, RETIRED, 2),
        change(M7, 2, CANDIDATE, PROMOTED, 2),
        change(M7, 2, PROMOTED, RETIRED, 3),
        change(M7, 3, CANDIDATE, PROMOTED, 3),
        change(M1, 1, CANDIDATE, PROMOTED, 4));
  }

  @Test
  void previouslyPromotedListsTheHorizonsPromotionsNewestFirst() {
    List<RegistryEntry> all =
        List.of(
            entry(M7, 1, 10_080, RETIRED),
            entry(M7, 2, 10_080, RETIRED),
            entry(M7, 3, 10_080, PROMOTED),
            entry(M1, 1, 1_440, PROMOTED));
    // given in reverse: the order comes from changed_at
    List<StatusChange> history = new ArrayList<>(threePromotions());
    java.util.Collections.reverse(history);
    assertEquals(
        List.of(M7 + ":v3", M7 + ":v2", M7 + ":v1"),
        Promotions.previouslyPromoted(all, history, 10_080).stream()
            .map(RegistryEntry::ref)
            .toList());
    // the fallback when v3's artifact cannot be loaded is the next one: v2
  }

  @Test
  void previouslyPromotedSkipsRejectedAndUnregisteredVersionsAndEvents() {
    List<StatusChange> history = new ArrayList<>(threePromotions());
    // day 5: rollback from v3 to v1; day 6: an event on v1 (a failed load) that keeps its status
    history.add(change(M7, 3, PROMOTED, RETIRED, 5));
    history.add(change(M7, 1, RETIRED, PROMOTED, 5));
    history.add(change(M7, 1, PROMOTED, PROMOTED, 6));
    // v2 was rejected since; v3 is gone from the registry
    List<RegistryEntry> all =
        List.of(
            entry(M7, 1, 10_080, PROMOTED),
            entry(M7, 2, 10_080, REJECTED),
            entry(M1, 1, 1_440, PROMOTED));
    assertEquals(
        List.of(M7 + ":v1"),
        Promotions.previouslyPromoted(all, history, 10_080).stream()
            .map(RegistryEntry::ref)
            .toList());
    assertEquals(
        List.of(M1 + ":v1"),
        Promotions.previouslyPromoted(all, history, 1_440).stream()
            .map(RegistryEntry::ref)
            .toList());
  }

  @Test
  void rollbackRestoresTheVersionPromotedBefore() {
    List<RegistryEntry> all =
        List.of(
            entry(M7, 1, 10_080, RETIRED),
            entry(M7, 2, 10_080, RETIRED),
            entry(M7, 3, 10_080, PROMOTED));
    List<RegistryEntry> changed = Promotions.rollback(all, threePromotions(), M7, NOW);
    assertEquals(2, changed.size());
    assertEquals(M7 + ":v3", changed.get(0).ref());
    assertEquals(RETIRED, changed.get(0).status());
    assertEquals("rolled back to " + M7 + ":v2", changed.get(0).statusReason());
    assertEquals(M7 + ":v2", changed.get(1).ref());
    assertEquals(PROMOTED, changed.get(1).status());
    assertEquals("rollback from " + M7 + ":v3", changed.get(1).statusReason());
    Promotions.checkOnePromotedPerHorizon(replace(all, changed));
  }

  @Test
  void rollbackSkipsARejectedPredecessor() {
    List<RegistryEntry> all =
        List.of(
            entry(M7, 1, 10_080, RETIRED),
            entry(M7, 2, 10_080, REJECTED),
            entry(M7, 3, 10_080, PROMOTED));
    List<RegistryEntry> changed = Promotions.rollback(all, threePromotions(), M7, NOW);
    assertEquals(M7 + ":v1", changed.get(1).ref());
    assertEquals(PROMOTED, changed.get(1).status());
  }

  @Test
  void rollbackNeedsAPromotedVersionAndAnEarlierOne() {
    ForecasterException none =
        assertThrows(
            ForecasterException.class,
            () ->
                Promotions.rollback(List.of(entry(M7, 1, 10_080, CANDIDATE)), List.of(), M7, NOW));
    assertTrue(none.getMessage().contains("no version of it is promoted"), none.getMessage());
    ForecasterException first =
        assertThrows(
            ForecasterException.class,
            () ->
                Promotions.rollback(
                    List.of(entry(M7, 1, 10_080, PROMOTED)),
                    List.of(change(M7, 1, CANDIDATE, PROMOTED, 1)),
                    M7,
                    NOW));
    assertTrue(
        first.getMessage().contains("no earlier promoted version of this horizon remains"),
        first.getMessage());
  }
}
