package dev.forecaster.nightly;

import static org.apache.spark.sql.functions.col;

import dev.forecaster.TestSpark;
import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.io.Tables;
import dev.forecaster.io.Warehouse;
import dev.forecaster.registry.ModelArtifacts;
import dev.forecaster.registry.ModelRegistry;
import dev.forecaster.registry.RegistryEntry;
import dev.forecaster.retrain.RetrainJob;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Kills the nightly and the monthly retrain with SIGKILL at random moments and re-runs them: the
 * tables and the model registry must end as an uninterrupted run leaves them, and right after each
 * kill the promoted model of every horizon must load whole (no half-written version is served).
 *
 * <p>The commands run as the CLI does ({@code java ... ForecasterCli nightly|retrain --conf F
 * --as-of T}, the classpath of {@code bin/forecaster}) on copies of one warehouse: three nights and
 * a retrain played in-process, then the night of a month start (with its new landing files) whose
 * nightly and retrain are under test. When only the retrain is under test, that night's nightly is
 * played in-process too. {@code bench/crash.sh} runs more kills than the test.
 */
final class CrashRecovery {
  static final Instant FIRST_NIGHT = Instant.parse("2024-04-28T00:00:00Z");

  /** Night 3 = 2024-05-01: the nightly, then the monthly retrain. */
  static final int NIGHT = 3;

  /** The commands under test, in the order Airflow runs them on a month-start night. */
  static final List<String> COMMANDS = List.of("nightly", "retrain");

  /**
   * Columns a re-run legitimately changes: run ids and wall-clock times; and a model's fingerprint,
   * which hashes the warehouse location (each copy here has its own).
   */
  static final List<String> VOLATILE =
      List.of(
          "run_id",
          "forecast_run_id",
          "created_at",
          "updated_at",
          "changed_at",
          "ingested_at",
          "evaluated_at",
          "fingerprint");

  static final List<String> TABLES =
      List.of(
          Tables.PRICES,
          Tables.EVENTS,
          Tables.QUARANTINE,
          Tables.INGESTED_FILES,
          Tables.FEATURES,
          Tables.FORECASTS,
          Tables.FORECAST_OUTCOMES,
          Tables.MONITORING_METRICS,
          Tables.ALERTS,
          Tables.MODEL_REGISTRY,
          Tables.BACKTEST_PREDICTIONS,
          Tables.BACKTEST_SUMMARY);

  /** One kill: the command, when it was killed, what it was doing, and the re-run's outcome. */
  record Kill(String command, double atSeconds, double uninterruptedSeconds, String lastStep) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%-8s killed at %5.1f s of %5.1f s, during: %s",
          command,
          atSeconds,
          uninterruptedSeconds,
          lastStep);
    }
  }

  /** The kills made and the values that differed from the uninterrupted run after re-runs. */
  record Result(List<Kill> kills, long differences, int reruns) {}

  private final Path work;
  private final Path root;
  private final PrintStream out;
  private Instant night;

  CrashRecovery(Path work, PrintStream out) {
    this.work = work;
    this.root = Path.of(System.getProperty("user.dir")).getParent();
    this.out = out;
  }

  static String conf(Path state, Path landing) {
    return String.join(
        "\n",
        "forecaster {",
        "  warehouse = \"" + state.resolve("warehouse") + "\"",
        "  models-root = \"" + state.resolve("models") + "\"",
        "  horizons-minutes = [1440]",
        "  ingest.landing-prices = \"" + landing.resolve("prices") + "\"",
        "  ingest.landing-events = \"" + landing.resolve("events") + "\"",
        "  ingest.bar = 1d",
        "  model.random-forest { num-trees = 5, max-depth = 3 }",
        "  backtest.days = 20",
        "  gate { min-improvement-pp = -100, min-symbol-accuracy = 0, min-beat-share = 0 }",
        "  spark { \"spark.sql.shuffle.partitions\" = \"2\" }",
        "}");
  }

  /**
   * Plays the nights before the one under test in-process and lands that night's files; with {@code
   * nightlyDone}, plays that night's nightly too (the retrain alone is under test).
   */
  Path prepare(boolean nightlyDone) throws IOException {
    Path landing = work.resolve("landing");
    Path base = work.resolve("base");
    FaultyFeed feed = new FaultyFeed(work.resolve("generated"), landing, FIRST_NIGHT, NIGHT + 2, 5);
    Files.createDirectories(base);
    Files.writeString(base.resolve("forecaster.conf"), conf(base, landing));
    ForecasterConfig config =
        ConfigLoader.load(base.resolve("forecaster.conf"), java.util.Map.of());
    SparkSession spark = TestSpark.session();
    for (int i = 0; i < NIGHT; i++) {
      feed.deliver(i);
      Instant n = feed.night(i);
      new NightlyJob(spark, config, Clock.fixed(n.plus(Duration.ofHours(1)), ZoneOffset.UTC))
          .run(n, s -> {});
    }
    // A promoted model before the month start: the retrain under test retires it.
    new RetrainJob(spark, config).run(feed.night(NIGHT - 1));
    feed.deliver(NIGHT);
    night = feed.night(NIGHT);
    if (nightlyDone) {
      new NightlyJob(spark, config, Clock.fixed(night.plus(Duration.ofHours(1)), ZoneOffset.UTC))
          .run(night, s -> {});
    }
    return landing;
  }

  /**
   * {@code kills} rounds, each killing every command of {@code requested} (some of {@link
   * #COMMANDS}, run in that order whatever order they are given in) once at a random moment and
   * re-running it.
   */
  Result run(int kills, long seed, List<String> requested) throws Exception {
    if (requested.isEmpty() || !COMMANDS.containsAll(requested)) {
      throw new IllegalArgumentException("commands must be among " + COMMANDS + ": " + requested);
    }
    List<String> commands = COMMANDS.stream().filter(requested::contains).toList();
    Path landing = prepare(!commands.contains("nightly"));
    Path reference = copy("reference", landing);
    Map<String, Double> uninterrupted = new LinkedHashMap<>();
    for (String cmd : commands) {
      uninterrupted.put(cmd, command(reference, cmd, -1).seconds);
    }
    out.printf(Locale.ROOT, "uninterrupted (s): %s%n", uninterrupted);
    Random random = new Random(seed);
    List<Kill> made = new ArrayList<>();
    long differences = 0;
    int reruns = 0;
    for (int k = 0; k < kills; k++) {
      Path state = copy("killed-" + k, landing);
      for (String cmd : commands) {
        double full = uninterrupted.get(cmd);
        double at = full * (0.2 + 0.75 * random.nextDouble());
        Run killed = command(state, cmd, at);
        if (killed.exit == null) {
          Kill kill = new Kill(cmd, at, full, killed.lastStep);
          made.add(kill);
          out.println(kill);
          checkPromotedModelsLoad(state);
        } else {
          out.printf(
              Locale.ROOT,
              "%-8s finished (exit %d) before the kill at %.1f s%n",
              cmd,
              killed.exit,
              at);
        }
        Run again = command(state, cmd, -1);
        reruns++;
        if (again.exit != 0) {
          throw new AssertionError(
              cmd + " re-run failed with exit " + again.exit + ":\n" + again.lastStep);
        }
      }
      long d = differences(reference, state);
      out.printf("after kill %d and re-runs: %d differences from the uninterrupted run%n", k, d);
      differences += d;
    }
    return new Result(made, differences, reruns);
  }

  private Path copy(String name, Path landing) throws IOException {
    Path base = work.resolve("base");
    Path target = work.resolve(name);
    try (Stream<Path> files = Files.walk(base)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(base.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    Files.writeString(target.resolve("forecaster.conf"), conf(target, landing));
    return target;
  }

  private record Run(Integer exit, double seconds, String lastStep) {}

  /**
   * Runs a command in a child JVM; with {@code killAt >= 0}, SIGKILLs it after that many seconds.
   */
  private Run command(Path state, String command, double killAt) throws Exception {
    Path jobs = root.resolve("jobs");
    String classpath =
        jobs.resolve("target/classes")
            + ":"
            + Files.readString(jobs.resolve("target/launcher.classpath")).trim();
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-Xmx2g");
    // A short-lived JVM on tiny tables: the C1 compiler and the serial collector about halve its
    // CPU (as for the spark-submit ITs), and interpreted expressions skip compiling each query's
    // code. None of them changes what a command writes, or where a kill can land.
    argv.add("-XX:TieredStopAtLevel=1");
    argv.add("-XX:+UseSerialGC");
    argv.add("-Dspark.sql.codegen.wholeStage=false");
    argv.add("-Dspark.sql.codegen.factoryMode=NO_CODEGEN");
    argv.add("@" + root.resolve("conf/spark-jvm.options"));
    argv.add("-Dspark.master=local[2]");
    argv.add("-Dlog4j2.configurationFile=" + root.resolve("conf/log4j2.properties"));
    argv.add("-Dforecaster.home=" + root);
    argv.addAll(List.of("-cp", classpath, "dev.forecaster.cli.ForecasterCli", command));
    argv.addAll(
        List.of(
            "--conf", state.resolve("forecaster.conf").toString(), "--as-of", night.toString()));
    Path log = state.resolve(command + (killAt >= 0 ? "-killed" : "") + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    long start = System.nanoTime();
    Process p = builder.start();
    boolean finished =
        killAt < 0
            ? p.waitFor(15, TimeUnit.MINUTES)
            : p.waitFor((long) (killAt * 1000), TimeUnit.MILLISECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!finished) {
      if (killAt < 0) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish in 15 minutes; see " + log);
      }
      p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs
      p.waitFor();
      return new Run(null, seconds, lastStep(log));
    }
    if (killAt < 0 && p.exitValue() != 0) {
      throw new AssertionError(
          command + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
    }
    return new Run(p.exitValue(), seconds, lastStep(log));
  }

  private static String lastStep(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    for (int i = lines.size() - 1; i >= 0; i--) {
      String l = lines.get(i).trim();
      if (!l.isEmpty() && !l.contains(" WARN ")) {
        return l.length() > 140 ? l.substring(0, 140) + "..." : l;
      }
    }
    return "(JVM start-up: nothing printed yet)";
  }

  private ForecasterConfig config(Path state) {
    return ConfigLoader.load(state.resolve("forecaster.conf"), java.util.Map.of());
  }

  /** Every promoted version's metadata and pipeline load whole. */
  private void checkPromotedModelsLoad(Path state) {
    ForecasterConfig config = config(state);
    SparkSession spark = TestSpark.session();
    Warehouse warehouse = new Warehouse(spark, config);
    if (!warehouse.exists(Tables.MODEL_REGISTRY)) {
      return;
    }
    ModelArtifacts artifacts = new ModelArtifacts(spark, config.resolvedModelsRoot());
    TreeMap<Integer, Integer> promoted = new TreeMap<>();
    for (RegistryEntry e : new ModelRegistry(spark, warehouse).all()) {
      if (RegistryEntry.PROMOTED.equals(e.status())) {
        promoted.merge(e.horizonMinutes(), 1, Integer::sum);
        artifacts.readMetadata(e.metadataUri());
        artifacts.loadPipeline(artifacts.pipelineUri(e.modelName(), e.version()));
      }
    }
    promoted.forEach(
        (h, n) -> {
          if (n != 1) {
            throw new AssertionError(n + " versions promoted for horizon " + h + " after a kill");
          }
        });
  }

  /** Rows of every table of the two warehouses that differ (volatile columns and roots aside). */
  long differences(Path reference, Path state) {
    SparkSession spark = TestSpark.session();
    Warehouse a = new Warehouse(spark, config(reference));
    Warehouse b = new Warehouse(spark, config(state));
    long diff = 0;
    for (String table : TABLES) {
      List<String> x = canonical(a, table, reference);
      List<String> y = canonical(b, table, state);
      if (!x.equals(y)) {
        List<String> onlyX = new ArrayList<>(x);
        onlyX.removeAll(y);
        List<String> onlyY = new ArrayList<>(y);
        onlyY.removeAll(x);
        out.printf(
            "%s: %d rows only in the uninterrupted run, %d only after the kill%n",
            table, onlyX.size(), onlyY.size());
        onlyX.stream().limit(3).forEach(r -> out.println("  - " + r));
        onlyY.stream().limit(3).forEach(r -> out.println("  + " + r));
        diff += Math.max(1, onlyX.size() + onlyY.size());
      }
    }
    // The history is an audit log (a re-run may log a repeated change or a "status kept" event):
    // its status transitions must be the same.
    List<String> x = transitions(a);
    List<String> y = transitions(b);
    if (!x.equals(y)) {
      out.printf("registry transitions differ: %s vs %s%n", x, y);
      diff++;
    }
    return diff;
  }

  private static List<String> transitions(Warehouse w) {
    return w
        .read(Tables.MODEL_REGISTRY_HISTORY)
        .filter(col("from_status").isNull().or(col("from_status").notEqual(col("to_status"))))
        .select("model_name", "version", "from_status", "to_status")
        .distinct()
        .collectAsList()
        .stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  private static List<String> canonical(Warehouse w, String table, Path state) {
    if (!w.exists(table)) {
      return List.of("(no table)");
    }
    Dataset<Row> rows = w.read(table);
    List<String> keep =
        Arrays.stream(rows.columns()).filter(c -> !VOLATILE.contains(c)).sorted().toList();
    String prefix = state.toString();
    List<String> out = new ArrayList<>();
    for (Row r : rows.selectExpr(keep.toArray(String[]::new)).collectAsList()) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < r.length(); i++) {
        Object v = r.get(i);
        String text =
            v instanceof Double d
                ? String.format(Locale.ROOT, "%.9g", d)
                : String.valueOf(v).replace(prefix, "<state>");
        s.append(keep.get(i)).append('=').append(text).append(' ');
      }
      out.add(s.toString());
    }
    out.sort(null);
    return out;
  }
}
