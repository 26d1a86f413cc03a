package dev.forecaster.registry;

import dev.forecaster.errors.ForecasterException;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The model registry in Delta: {@code model_registry} holds each version's current status (one
 * MERGE per change, so a promotion and the retirement it causes land in one commit), and {@code
 * model_registry_history} keeps every change, append-only.
 */
public final class ModelRegistry {
  private final SparkSession spark;
  private final Warehouse warehouse;
  // With held writes: the registry's rows as changed so far, and the changes not yet written. The
  // walk-forward retrains its horizons on parallel threads: the methods that touch them are
  // synchronized.
  private final List<RegistryEntry> held;
  private final List<StatusChange> heldLines = new ArrayList<>();
  private final Map<String, RegistryEntry> heldChanges = new LinkedHashMap<>();

  public ModelRegistry(SparkSession spark, Warehouse warehouse) {
    this(spark, warehouse, false);
  }

  private ModelRegistry(SparkSession spark, Warehouse warehouse, boolean holdWrites) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.held = holdWrites ? new ArrayList<>(read()) : null;
  }

  /**
   * A registry for the walk-forward replay (FORECASTING.md section 10), whose dozens of retrains
   * each read the registry six times and commit to it four times (seconds a retrain): it is read
   * once, every change is applied in memory at once (later reads see it), and {@link #flush} writes
   * the changes held since the last flush in one append and one MERGE, history first as {@link
   * #apply} does.
   */
  public static ModelRegistry withHeldWrites(SparkSession spark, Warehouse warehouse) {
    return new ModelRegistry(spark, warehouse, true);
  }

  /** Writes the changes held since the last flush (none without held writes). */
  public synchronized void flush() {
    if (held == null) {
      return;
    }
    if (!heldLines.isEmpty()) {
      warehouse.append(
          Tables.MODEL_REGISTRY_HISTORY,
          StatusChange.SCHEMA,
          spark.createDataFrame(
              heldLines.stream().map(StatusChange::toRow).toList(), StatusChange.SCHEMA));
    }
    if (!heldChanges.isEmpty()) {
      upsert(List.copyOf(heldChanges.values()));
    }
    heldLines.clear();
    heldChanges.clear();
  }

  public synchronized List<RegistryEntry> all() {
    List<RegistryEntry> entries = new ArrayList<>(held != null ? held : read());
    entries.sort(
        Comparator.comparing(RegistryEntry::horizonMinutes)
            .thenComparing(RegistryEntry::modelName)
            .thenComparing(RegistryEntry::versionNumber));
    return entries;
  }

  private List<RegistryEntry> read() {
    if (!warehouse.exists(Tables.MODEL_REGISTRY)) {
      return List.of();
    }
    List<RegistryEntry> entries = new ArrayList<>();
    for (Row r : warehouse.read(Tables.MODEL_REGISTRY).collectAsList()) {
      entries.add(RegistryEntry.of(r));
    }
    return entries;
  }

  public synchronized List<StatusChange> history() {
    List<StatusChange> changes = new ArrayList<>();
    if (warehouse.exists(Tables.MODEL_REGISTRY_HISTORY)) {
      for (Row r : warehouse.read(Tables.MODEL_REGISTRY_HISTORY).collectAsList()) {
        changes.add(StatusChange.of(r));
      }
    }
    changes.addAll(heldLines);
    changes.sort(Comparator.comparing(StatusChange::changedAt));
    return changes;
  }

  /** The version named {@code NAME:VERSION}, or the newest version of NAME when no version. */
  public RegistryEntry resolve(String ref) {
    String[] parts = ref.split(":", 2);
    List<RegistryEntry> all = all();
    Optional<RegistryEntry> found =
        all.stream()
            .filter(e -> e.modelName().equals(parts[0]))
            .filter(e -> parts.length == 1 || e.version().equals(parts[1]))
            .max(Comparator.comparing(RegistryEntry::versionNumber));
    return found.orElseThrow(
        () ->
            new ForecasterException(
                "no registered model "
                    + ref
                    + "; registered: "
                    + (all.isEmpty()
                        ? "none (run `forecaster train` or `retrain`)"
                        : all.stream().map(RegistryEntry::ref).toList())));
  }

  public Optional<RegistryEntry> promoted(int horizonMinutes) {
    return all().stream()
        .filter(
            e -> e.horizonMinutes() == horizonMinutes && RegistryEntry.PROMOTED.equals(e.status()))
        .findFirst();
  }

  public Optional<RegistryEntry> findByFingerprint(String modelName, String fingerprint) {
    return all().stream()
        .filter(e -> e.modelName().equals(modelName) && e.fingerprint().equals(fingerprint))
        .findFirst();
  }

  public int nextVersionNumber(String modelName) {
    return all().stream()
            .filter(e -> e.modelName().equals(modelName))
            .mapToInt(RegistryEntry::versionNumber)
            .max()
            .orElse(0)
        + 1;
  }

  /**
   * Writes the history lines of changed versions, then their new rows in one MERGE. A status change
   * whose row did not exist before (a registration) has from_status null.
   *
   * @param metricsJson per ref, the metrics recorded with the change (may be absent)
   */
  public synchronized void apply(
      List<RegistryEntry> changed, Map<String, String> metricsJson, String runId, Instant at) {
    Map<String, RegistryEntry> before = new HashMap<>();
    all().forEach(e -> before.put(e.ref(), e));
    List<RegistryEntry> after = new ArrayList<>(before.values());
    changed.forEach(
        c -> {
          after.removeIf(e -> e.ref().equals(c.ref()));
          after.add(c);
        });
    Promotions.checkOnePromotedPerHorizon(after);
    // The history line goes first: a process killed between the two commits leaves a logged change
    // that the re-run makes again (and logs twice), never a status change without its log line.
    List<StatusChange> lines = new ArrayList<>();
    for (RegistryEntry c : changed) {
      RegistryEntry old = before.get(c.ref());
      lines.add(
          new StatusChange(
              c.modelName(),
              c.version(),
              c.horizonMinutes(),
              old == null ? null : old.status(),
              c.status(),
              c.statusReason() == null ? "" : c.statusReason(),
              metricsJson.get(c.ref()),
              at,
              runId));
    }
    if (held != null) {
      heldLines.addAll(lines);
      for (RegistryEntry c : changed) {
        held.removeIf(e -> e.ref().equals(c.ref()));
        held.add(c);
        heldChanges.put(c.ref(), c);
      }
      return;
    }
    warehouse.append(
        Tables.MODEL_REGISTRY_HISTORY,
        StatusChange.SCHEMA,
        spark.createDataFrame(
            lines.stream().map(StatusChange::toRow).toList(), StatusChange.SCHEMA));
    upsert(changed);
  }

  private void upsert(List<RegistryEntry> changed) {
    warehouse.upsert(
        Tables.MODEL_REGISTRY,
        RegistryEntry.SCHEMA,
        spark.createDataFrame(
            changed.stream().map(RegistryEntry::toRow).toList(), RegistryEntry.SCHEMA),
        List.of("model_name", "version"));
  }

  /** Records an event on a version that does not change its status (e.g. a failed load). */
  public synchronized void recordEvent(
      RegistryEntry entry, String reason, String runId, Instant at) {
    StatusChange line =
        new StatusChange(
            entry.modelName(),
            entry.version(),
            entry.horizonMinutes(),
            entry.status(),
            entry.status(),
            reason,
            null,
            at,
            runId);
    if (held != null) {
      heldLines.add(line);
      return;
    }
    warehouse.append(
        Tables.MODEL_REGISTRY_HISTORY,
        StatusChange.SCHEMA,
        spark.createDataFrame(List.of(line.toRow()), StatusChange.SCHEMA));
  }
}
