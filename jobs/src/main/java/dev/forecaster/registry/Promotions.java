package dev.forecaster.registry;

import static dev.forecaster.registry.RegistryEntry.*;

import dev.forecaster.errors.ForecasterException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The registry's rules as pure functions of its rows: exactly one promoted version per horizon, so
 * promoting a version retires the one it replaces, and a rollback returns to the version promoted
 * before the current one.
 */
public final class Promotions {
  private Promotions() {}

  /** The new rows for promoting {@code target}: it, plus the retirement of the one it replaces. */
  public static List<RegistryEntry> promote(
      List<RegistryEntry> all, RegistryEntry target, String reason, Instant at) {
    List<RegistryEntry> changed = new ArrayList<>();
    for (RegistryEntry e : all) {
      boolean sameVersion = e.ref().equals(target.ref());
      if (!sameVersion
          && e.horizonMinutes() == target.horizonMinutes()
          && PROMOTED.equals(e.status())) {
        changed.add(e.withStatus(RETIRED, "replaced by " + target.ref(), at));
      }
    }
    changed.add(target.withStatus(PROMOTED, reason, at));
    return changed;
  }

  /**
   * The rows for rolling back the promoted version of {@code modelName}'s horizon to the version
   * promoted before it (the newest earlier promotion of another version that is still registered
   * and not rejected).
   *
   * @param history every status change, any order
   */
  public static List<RegistryEntry> rollback(
      List<RegistryEntry> all, List<StatusChange> history, String modelName, Instant at) {
    RegistryEntry current =
        all.stream()
            .filter(e -> e.modelName().equals(modelName) && PROMOTED.equals(e.status()))
            .findFirst()
            .orElseThrow(
                () ->
                    new ForecasterException(
                        "cannot roll back "
                            + modelName
                            + ": no version of it is promoted; see `forecaster models list`"));
    Optional<RegistryEntry> previous =
        previouslyPromoted(all, history, current.horizonMinutes()).stream()
            .filter(e -> !e.ref().equals(current.ref()))
            .findFirst();
    if (previous.isEmpty()) {
      throw new ForecasterException(
          "cannot roll back "
              + current.ref()
              + ": no earlier promoted version of this horizon remains; promote one with"
              + " `forecaster models promote NAME:VERSION --force --reason ...`");
    }
    return List.of(
        current.withStatus(RETIRED, "rolled back to " + previous.get().ref(), at),
        previous.get().withStatus(PROMOTED, "rollback from " + current.ref(), at));
  }

  /**
   * Versions of a horizon ever promoted, newest promotion first, that are still usable (retired or
   * promoted, not rejected): the fallbacks when the promoted artifact cannot be loaded.
   */
  public static List<RegistryEntry> previouslyPromoted(
      List<RegistryEntry> all, List<StatusChange> history, int horizonMinutes) {
    List<RegistryEntry> ordered = new ArrayList<>();
    history.stream()
        .filter(h -> h.horizonMinutes() == horizonMinutes && PROMOTED.equals(h.toStatus()))
        .filter(h -> !PROMOTED.equals(h.fromStatus()))
        .sorted(Comparator.comparing(StatusChange::changedAt).reversed())
        .forEach(
            h ->
                all.stream()
                    .filter(
                        e -> e.modelName().equals(h.modelName()) && e.version().equals(h.version()))
                    .filter(e -> !REJECTED.equals(e.status()))
                    .filter(e -> ordered.stream().noneMatch(o -> o.ref().equals(e.ref())))
                    .findFirst()
                    .ifPresent(ordered::add));
    return ordered;
  }

  /** Throws unless every horizon has at most one promoted version. */
  public static void checkOnePromotedPerHorizon(List<RegistryEntry> all) {
    all.stream()
        .filter(e -> PROMOTED.equals(e.status()))
        .collect(java.util.stream.Collectors.groupingBy(RegistryEntry::horizonMinutes))
        .forEach(
            (h, promoted) -> {
              if (promoted.size() > 1) {
                throw new IllegalStateException(
                    "registry invariant broken: horizon "
                        + h
                        + " has "
                        + promoted.size()
                        + " promoted versions "
                        + promoted.stream().map(RegistryEntry::ref).toList());
              }
            });
  }
}
