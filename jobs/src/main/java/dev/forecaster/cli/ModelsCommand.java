package dev.forecaster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.io.Warehouse;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.Promotions;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.registry.StatusChange;
import dev.forecaster.spark.SparkSessions;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code models}: list / show / promote / rollback registered models. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "The model registry: every version with its status (candidate, promoted, rejected,"
          + " retired). Exactly one version per horizon is promoted; every change is kept in"
          + " model_registry_history."
    },
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.Show.class,
      ModelsCommand.Promote.class,
      ModelsCommand.Rollback.class
    })
final class ModelsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs {@code action} with a registry on a session that is stopped afterwards. */
  static int withRegistry(TableOptions tables, Function<Context, Integer> action) {
    ForecasterConfig config = tables.load();
    SparkSession spark = SparkSessions.create("forecaster-models", config);
    try {
      return action.apply(
          new Context(
              new ModelRegistry(spark, new Warehouse(spark, config)),
              new ModelArtifacts(spark, config.resolvedModelsRoot())));
    } finally {
      spark.stop();
    }
  }

  record Context(ModelRegistry registry, ModelArtifacts artifacts) {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Every registered version.")
  static final class ListModels implements Callable<Integer> {
    @Mixin TableOptions tables;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return withRegistry(
          tables,
          c -> {
            PrintWriter out = spec.commandLine().getOut();
            List<RegistryEntry> all = c.registry().all();
            if (all.isEmpty()) {
              out.println(
                  "no models registered yet; run `forecaster retrain` or `forecaster train`");
            }
            out.printf(
                "%-24s %-6s %8s %-10s %-25s %s%n",
                "model", "version", "horizon", "status", "updated", "reason");
            for (RegistryEntry e : all) {
              out.printf(
                  "%-24s %-6s %8d %-10s %-25s %s%n",
                  e.modelName(),
                  e.version(),
                  e.horizonMinutes(),
                  e.status(),
                  e.updatedAt(),
                  e.statusReason() == null ? "" : e.statusReason());
            }
            out.flush();
            return 0;
          });
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "A version's metadata.json and status history.")
  static final class Show implements Callable<Integer> {
    @Mixin TableOptions tables;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME:VERSION", description = "e.g. ml_forecaster_7d_rf:v3")
    String ref;

    @Override
    public Integer call() {
      return withRegistry(
          tables,
          c -> {
            PrintWriter out = spec.commandLine().getOut();
            RegistryEntry e = c.registry().resolve(ref);
            out.printf("%s: %s (%s)%n", e.ref(), e.status(), e.statusReason());
            out.println(c.artifacts().readMetadata(e.metadataUri()).toPrettyString());
            out.println("history:");
            for (StatusChange h : c.registry().history()) {
              if (h.modelName().equals(e.modelName()) && h.version().equals(e.version())) {
                out.printf(
                    "  %s %s -> %s: %s%n", h.changedAt(), h.fromStatus(), h.toStatus(), h.reason());
              }
            }
            out.flush();
            return 0;
          });
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = {
        "Promotes a version for its horizon, retiring the one it replaces.",
        "Without --force only a version whose backtest passed the gate can be promoted; a version"
            + " whose backtest found leakage can never be."
      })
  static final class Promote implements Callable<Integer> {
    @Mixin TableOptions tables;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME:VERSION")
    String ref;

    @Option(names = "--force", description = "Promote although the gate did not pass.")
    boolean force;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (required with --force).")
    String reason;

    @Override
    public Integer call() {
      if (force && (reason == null || reason.isBlank())) {
        throw new ForecasterException("--force needs --reason TEXT: the history keeps why");
      }
      return withRegistry(
          tables,
          c -> {
            RegistryEntry e = c.registry().resolve(ref);
            ObjectNode m = c.artifacts().readMetadata(e.metadataUri());
            String gate = m.path("gate").path("outcome").asText("");
            if ("LEAKAGE".equals(gate)) {
              throw new ForecasterException(
                  e.ref()
                      + " was trained on data inside its backtest window (LEAKAGE) and can never be"
                      + " promoted; retrain with `forecaster retrain`");
            }
            if (!force && !"PASSED".equals(gate)) {
              throw new ForecasterException(
                  e.ref()
                      + " has not passed the gate (gate: "
                      + (gate.isEmpty() ? "not backtested" : gate)
                      + "); backtest it, or pass --force --reason TEXT");
            }
            if (RegistryEntry.PROMOTED.equals(e.status())) {
              spec.commandLine().getOut().printf("%s is already promoted%n", e.ref());
              spec.commandLine().getOut().flush();
              return 0;
            }
            Instant now = Instant.now();
            String why =
                force ? "forced: " + reason : (reason == null ? "promoted by hand" : reason);
            JsonNode metrics = m.get("backtest");
            c.registry()
                .apply(
                    Promotions.promote(c.registry().all(), e, why, now),
                    metrics == null || metrics.isNull()
                        ? Map.of()
                        : Map.of(e.ref(), metrics.toString()),
                    "models-promote-" + UUID.randomUUID().toString().substring(0, 8),
                    now);
            spec.commandLine()
                .getOut()
                .printf("promoted %s for horizon %d%n", e.ref(), e.horizonMinutes());
            spec.commandLine().getOut().flush();
            return 0;
          });
    }
  }

  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description = "Restores the version promoted before the current one of NAME's horizon.")
  static final class Rollback implements Callable<Integer> {
    @Mixin TableOptions tables;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "e.g. ml_forecaster_7d_rf")
    String name;

    @Override
    public Integer call() {
      return withRegistry(
          tables,
          c -> {
            Instant now = Instant.now();
            List<RegistryEntry> changes =
                Promotions.rollback(c.registry().all(), c.registry().history(), name, now);
            c.registry()
                .apply(
                    changes,
                    Map.of(),
                    "models-rollback-" + UUID.randomUUID().toString().substring(0, 8),
                    now);
            spec.commandLine()
                .getOut()
                .printf(
                    "rolled back: %s retired, %s promoted%n",
                    changes.get(0).ref(), changes.get(1).ref());
            spec.commandLine().getOut().flush();
            return 0;
          });
    }
  }
}
