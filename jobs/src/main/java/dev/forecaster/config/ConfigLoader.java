package dev.forecaster.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import dev.forecaster.errors.Errors;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link ForecasterConfig}: the defaults of {@code reference.conf}, then an optional file
 * (--conf), then command-line overrides. Every value is checked here, once, so jobs can trust the
 * record they get.
 */
public final class ConfigLoader {
  private static final String ROOT = "forecaster";

  /** The registry root when neither models-root nor the warehouse is configured. */
  public static final String DEFAULT_MODELS_ROOT = "models";

  private ConfigLoader() {}

  /** Defaults only. */
  public static ForecasterConfig defaults() {
    return load(null, Map.of());
  }

  /**
   * Loads the layered configuration.
   *
   * @param file a HOCON file layered over the defaults, or null
   * @param overrides keys under {@code forecaster.} (e.g. {@code warehouse}) set on the command
   *     line; they win over the file
   */
  public static ForecasterConfig load(Path file, Map<String, Object> overrides) {
    Config reference = ConfigFactory.defaultReference();
    Config layered = reference;
    String origin = "defaults";
    boolean defaultWarehouse = !overrides.containsKey("warehouse");
    if (file != null) {
      File f = file.toFile();
      if (!f.isFile()) {
        throw Errors.configUnreadable(file.toString(), "no such file");
      }
      Config user;
      try {
        user = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw Errors.configUnreadable(file.toString(), e.getMessage());
      }
      rejectUnknownKeys(user, reference, file.toString());
      // Read without resolving: the file may hold substitutions (conf/s3.conf's ${?...}).
      defaultWarehouse &=
          !(user.root().get(ROOT) instanceof com.typesafe.config.ConfigObject o
              && o.containsKey("warehouse"));
      layered = user.withFallback(layered);
      origin = file.toString();
    }
    if (!overrides.isEmpty()) {
      Map<String, Object> prefixed = new TreeMap<>();
      overrides.forEach((k, v) -> prefixed.put(ROOT + "." + k, v));
      layered = ConfigFactory.parseMap(prefixed, "command line").withFallback(layered);
    }
    try {
      return parse(layered.resolve().getConfig(ROOT), origin, defaultWarehouse);
    } catch (ConfigException e) {
      throw Errors.configMalformed(origin, e.getMessage());
    }
  }

  private static void rejectUnknownKeys(Config user, Config reference, String origin) {
    for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
      String key = entry.getKey();
      boolean sparkSetting = key.startsWith(ROOT + ".spark.");
      if (!sparkSetting && !reference.hasPathOrNull(key)) {
        throw Errors.configUnknownKey(origin, key);
      }
    }
  }

  /**
   * A relative local path made absolute against the working directory; a URI (s3a://, file:) as
   * given. Delta registers a table created at a relative location under a name it then rejects, and
   * a path that means one folder everywhere is what a user expects from a relative one.
   */
  static String absoluteIfLocal(String location) {
    if (location.contains(":")) {
      return location;
    }
    return java.nio.file.Path.of(location).toAbsolutePath().normalize().toString();
  }

  private static ForecasterConfig parse(Config c, String origin, boolean defaultWarehouse) {
    String warehouse = c.getString("warehouse").trim();
    require(!warehouse.isEmpty(), origin, "warehouse", "must not be empty");
    warehouse = absoluteIfLocal(warehouse);
    List<Integer> horizons = c.getIntList("horizons-minutes");
    require(!horizons.isEmpty(), origin, "horizons-minutes", "must name at least one horizon");
    horizons.forEach(h -> require(h > 0, origin, "horizons-minutes", "must be positive"));
    List<Integer> lookbacks = c.getIntList("lookbacks-days");
    require(!lookbacks.isEmpty(), origin, "lookbacks-days", "must name at least one lookback");
    lookbacks.forEach(
        l -> require(l >= 31, origin, "lookbacks-days", "must be at least 31 (30-day features)"));
    double tolerance = c.getDouble("ingest.price-tolerance");
    require(
        tolerance >= 0 && tolerance < 0.1, origin, "ingest.price-tolerance", "must be in [0, 0.1)");
    Duration staleness = c.getDuration("features.max-staleness");
    require(
        !staleness.isNegative() && !staleness.isZero(),
        origin,
        "features.max-staleness",
        "must be positive");
    Config rf = c.getConfig("model.random-forest");
    ForecasterConfig.RandomForest forest =
        new ForecasterConfig.RandomForest(
            rf.getInt("num-trees"),
            rf.getInt("max-depth"),
            rf.getInt("min-instances-per-node"),
            rf.getInt("max-bins"),
            rf.getLong("seed"),
            rf.getInt("partitions"));
    require(forest.numTrees() >= 1, origin, "model.random-forest.num-trees", "must be >= 1");
    require(
        forest.maxDepth() >= 1 && forest.maxDepth() <= 30,
        origin,
        "model.random-forest.max-depth",
        "must be in [1, 30] (MLlib's limit)");
    require(
        forest.minInstancesPerNode() >= 1,
        origin,
        "model.random-forest.min-instances-per-node",
        "must be >= 1");
    require(forest.maxBins() >= 2, origin, "model.random-forest.max-bins", "must be >= 2");
    require(forest.partitions() >= 1, origin, "model.random-forest.partitions", "must be >= 1");
    double ratio = c.getDouble("model.split.train-ratio");
    require(ratio > 0 && ratio < 1, origin, "model.split.train-ratio", "must be in (0, 1)");
    int backtestDays = c.getInt("backtest.days");
    require(backtestDays >= 1, origin, "backtest.days", "must be >= 1");
    String symbolRule = c.getString("gate.symbol-rule");
    require(
        symbolRule.equals("seed") || symbolRule.equals("wilson"),
        origin,
        "gate.symbol-rule",
        "must be \"seed\" or \"wilson\"");
    ForecasterConfig.Gate gate =
        new ForecasterConfig.Gate(
            c.getDouble("gate.min-improvement-pp"),
            c.getDouble("gate.min-symbol-accuracy"),
            c.getDouble("gate.min-beat-share"),
            ForecasterConfig.SymbolRule.valueOf(symbolRule.toUpperCase(java.util.Locale.ROOT)));
    require(
        gate.minSymbolAccuracy() >= 0 && gate.minSymbolAccuracy() <= 1,
        origin,
        "gate.min-symbol-accuracy",
        "must be in [0, 1]");
    require(
        gate.minBeatShare() >= 0 && gate.minBeatShare() <= 1,
        origin,
        "gate.min-beat-share",
        "must be in [0, 1]");
    ForecasterConfig.Regime regime =
        new ForecasterConfig.Regime(
            c.getDouble("regime.up-threshold"), c.getDouble("regime.down-threshold"));
    require(
        regime.downThreshold() <= regime.upThreshold(),
        origin,
        "regime.down-threshold",
        "must not exceed regime.up-threshold");
    ForecasterConfig.Monitor monitor = monitor(c.getConfig("monitor"), origin);
    Duration retention = c.getDuration("maintain.vacuum-retention");
    // The 7-day floor is maintain's, since only its command line can lift it.
    require(!retention.isNegative(), origin, "maintain.vacuum-retention", "must be >= 0");
    String modelsRoot = c.getString("models-root").trim();
    if (modelsRoot.isEmpty() && defaultWarehouse) {
      // The laptop layout of the design card: ./warehouse and ./models side by side. A warehouse
      // chosen by file or flag keeps its registry inside it (<warehouse>/models), so one folder
      // (a demo, a test, a bucket prefix) holds a whole installation.
      modelsRoot = DEFAULT_MODELS_ROOT;
    }
    Map<String, String> spark = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getConfig("spark").entrySet()) {
      // Keys are quoted in HOCON ("spark.sql.x"), which entrySet reports with their quotes.
      spark.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
    }
    return new ForecasterConfig(
        warehouse,
        modelsRoot.isEmpty() ? modelsRoot : absoluteIfLocal(modelsRoot),
        List.copyOf(c.getStringList("symbols")),
        List.copyOf(horizons),
        List.copyOf(lookbacks),
        new ForecasterConfig.Ingest(
            tolerance,
            c.getString("ingest.landing-prices"),
            c.getString("ingest.landing-events"),
            c.getString("ingest.bar").isBlank() ? 0 : c.getDuration("ingest.bar").toSeconds()),
        staleness,
        forest,
        new ForecasterConfig.Split(ratio, c.getBoolean("model.split.purge")),
        backtestDays,
        gate,
        regime,
        Map.copyOf(spark),
        c.getBoolean("model.calibration.platt"),
        monitor,
        new ForecasterConfig.Maintain(retention));
  }

  private static ForecasterConfig.Monitor monitor(Config m, String origin) {
    Config a = m.getConfig("alerts");
    ForecasterConfig.Alerts alerts =
        new ForecasterConfig.Alerts(
            a.getDouble("min-accuracy"),
            List.copyOf(a.getIntList("accuracy-horizons")),
            a.getInt("min-forecasts"),
            a.getDouble("max-ml-failure-rate"),
            a.getDouble("max-fallback-rate"),
            a.getDouble("max-drift-psi"),
            a.getDuration("max-data-age"),
            a.getDuration("max-feed-silence"),
            a.getDouble("max-quarantine-share"));
    ForecasterConfig.Monitor monitor =
        new ForecasterConfig.Monitor(
            m.getInt("window-forecasts"),
            m.getDuration("usage-window"),
            m.getDuration("drift-window"),
            m.getInt("confidence-bins"),
            m.getDuration("unscorable-recheck"),
            alerts);
    require(monitor.windowForecasts() >= 1, origin, "monitor.window-forecasts", "must be >= 1");
    require(
        monitor.usageWindow().toSeconds() > 0, origin, "monitor.usage-window", "must be positive");
    require(
        monitor.driftWindow().toSeconds() > 0, origin, "monitor.drift-window", "must be positive");
    require(
        monitor.confidenceBins() >= 1 && monitor.confidenceBins() <= 50,
        origin,
        "monitor.confidence-bins",
        "must be in [1, 50]");
    for (String share : List.of("min-accuracy", "max-ml-failure-rate", "max-fallback-rate")) {
      double v = a.getDouble(share);
      require(v >= 0 && v <= 1, origin, "monitor.alerts." + share, "must be in [0, 1]");
    }
    require(alerts.minForecasts() >= 1, origin, "monitor.alerts.min-forecasts", "must be >= 1");
    require(alerts.maxDriftPsi() >= 0, origin, "monitor.alerts.max-drift-psi", "must be >= 0");
    require(
        alerts.maxDataAge().toSeconds() > 0,
        origin,
        "monitor.alerts.max-data-age",
        "must be positive");
    require(
        alerts.maxFeedSilence().toSeconds() > 0,
        origin,
        "monitor.alerts.max-feed-silence",
        "must be positive");
    require(
        alerts.maxQuarantineShare() >= 0 && alerts.maxQuarantineShare() <= 1,
        origin,
        "monitor.alerts.max-quarantine-share",
        "must be in [0, 1]");
    require(
        !monitor.unscorableRecheck().isNegative(),
        origin,
        "monitor.unscorable-recheck",
        "must be >= 0");
    return monitor;
  }

  private static void require(boolean ok, String origin, String key, String problem) {
    if (!ok) {
      throw Errors.configInvalid(origin, key, problem);
    }
  }
}
