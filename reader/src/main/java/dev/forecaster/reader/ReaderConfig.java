package dev.forecaster.reader;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reader's settings, read once and validated: {@code reference.conf} defaults, then an optional
 * file (--conf), then command-line flags (highest precedence).
 *
 * @param warehouse root of the tables: a local path or a Hadoop URI such as s3a://bucket/prefix
 * @param bind address the HTTP server listens on
 * @param port TCP port; 0 picks a free one
 * @param pollInterval how often the forecasts table is checked for a new version
 * @param threads threads serving requests
 * @param defaultLookbackDays lookback used when a request names none (first of lookbacks-days)
 * @param hadoop Hadoop settings of the table's file system: the {@code spark.hadoop.*} entries of
 *     {@code forecaster.spark} without that prefix, so one file (conf/s3.conf) configures s3a for
 *     the jobs and the reader alike
 * @param limits connection cap, timeouts and request-head sizes of the HTTP layer
 */
public record ReaderConfig(
    String warehouse,
    String bind,
    int port,
    Duration pollInterval,
    int threads,
    int defaultLookbackDays,
    Map<String, String> hadoop,
    HttpLimits limits) {

  private static final String ROOT = "forecaster";
  private static final String SPARK_HADOOP = "spark.hadoop.";

  public ReaderConfig {
    hadoop = Map.copyOf(hadoop);
  }

  /** Settings without Hadoop options (a local warehouse). */
  public ReaderConfig(
      String warehouse,
      String bind,
      int port,
      Duration pollInterval,
      int threads,
      int defaultLookbackDays) {
    this(
        warehouse,
        bind,
        port,
        pollInterval,
        threads,
        defaultLookbackDays,
        Map.of(),
        HttpLimits.DEFAULTS);
  }

  /** The same settings with other HTTP limits. */
  public ReaderConfig withLimits(HttpLimits other) {
    return new ReaderConfig(
        warehouse, bind, port, pollInterval, threads, defaultLookbackDays, hadoop, other);
  }

  /** Location of the forecasts table: {@code <warehouse>/forecasts}, absolute. */
  public String forecastsTable() {
    if (warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      return warehouse.replaceAll("/+$", "") + "/forecasts";
    }
    return Path.of(warehouse).toAbsolutePath().normalize().resolve("forecasts").toString();
  }

  /**
   * Loads the layered configuration.
   *
   * @param file HOCON file layered over the defaults, or null
   * @param overrides keys under {@code forecaster.} (e.g. {@code reader.port}) from the command
   *     line
   */
  public static ReaderConfig load(Path file, Map<String, Object> overrides) {
    Config reference = ConfigFactory.defaultReference();
    Config layered = reference;
    String origin = "defaults";
    if (file != null) {
      File f = file.toFile();
      if (!f.isFile()) {
        throw new ReaderException(
            "cannot read configuration file "
                + file
                + ": no such file; pass an existing HOCON file to --conf");
      }
      Config user;
      try {
        user = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new ReaderException(
            "cannot read configuration file " + file + ": " + e.getMessage() + "; fix its syntax");
      }
      for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
        String key = entry.getKey();
        if (!key.startsWith(ROOT + ".spark.") && !reference.hasPathOrNull(key)) {
          throw new ReaderException(
              String.format(
                  "configuration %s: unknown key '%s'; check its spelling against conf/reference.conf",
                  file, key));
        }
      }
      layered = user.withFallback(layered);
      origin = file.toString();
    }
    if (!overrides.isEmpty()) {
      Map<String, Object> prefixed = new TreeMap<>();
      overrides.forEach((k, v) -> prefixed.put(ROOT + "." + k, v));
      layered = ConfigFactory.parseMap(prefixed, "command line").withFallback(layered);
    }
    try {
      return parse(layered.resolve().getConfig(ROOT), origin);
    } catch (ConfigException e) {
      throw invalid(origin, e.getMessage());
    }
  }

  private static ReaderConfig parse(Config c, String origin) {
    String warehouse = c.getString("warehouse").trim();
    require(!warehouse.isEmpty(), origin, "warehouse", "must not be empty");
    Config r = c.getConfig("reader");
    String bind = r.getString("bind").trim();
    require(!bind.isEmpty(), origin, "reader.bind", "must name an address, e.g. 127.0.0.1");
    int port = r.getInt("port");
    require(port >= 0 && port <= 65535, origin, "reader.port", "must be in [0, 65535]");
    Duration poll = r.getDuration("poll-interval");
    require(
        poll.toMillis() >= 10 && poll.toHours() < 24,
        origin,
        "reader.poll-interval",
        "must be between 10ms and 1d");
    int threads = r.getInt("threads");
    require(
        threads >= 0 && threads <= 512,
        origin,
        "reader.threads",
        "must be in [0, 512] (0: one per two cores)");
    List<Integer> lookbacks = c.getIntList("lookbacks-days");
    require(!lookbacks.isEmpty(), origin, "lookbacks-days", "must name at least one lookback");
    Map<String, String> hadoop = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getConfig("spark").entrySet()) {
      // Keys are quoted in HOCON ("spark.hadoop.x"), which entrySet reports with their quotes.
      String key = e.getKey().replace("\"", "");
      if (key.startsWith(SPARK_HADOOP)) {
        hadoop.put(key.substring(SPARK_HADOOP.length()), String.valueOf(e.getValue().unwrapped()));
      }
    }
    HttpLimits limits =
        new HttpLimits(
            intIn(r, "max-connections", 1, 1_000_000, origin),
            durationIn(r, "head-timeout", Duration.ofMillis(100), Duration.ofMinutes(10), origin),
            durationIn(r, "idle-timeout", Duration.ofMillis(100), Duration.ofHours(1), origin),
            intIn(r, "max-request-line", 256, 65536, origin),
            intIn(r, "max-header-bytes", 256, 65536, origin));
    return new ReaderConfig(warehouse, bind, port, poll, threads, lookbacks.get(0), hadoop, limits);
  }

  private static int intIn(Config reader, String key, int min, int max, String origin) {
    int value = reader.getInt(key);
    require(
        value >= min && value <= max,
        origin,
        "reader." + key,
        "must be in [" + min + ", " + max + "]");
    return value;
  }

  private static Duration durationIn(
      Config reader, String key, Duration min, Duration max, String origin) {
    Duration value = reader.getDuration(key);
    require(
        value.compareTo(min) >= 0 && value.compareTo(max) <= 0,
        origin,
        "reader." + key,
        "must be between " + min.toMillis() + "ms and " + max.toSeconds() + "s");
    return value;
  }

  private static void require(boolean ok, String origin, String key, String problem) {
    if (!ok) {
      throw invalid(origin, "'" + key + "' " + problem);
    }
  }

  private static ReaderException invalid(String origin, String problem) {
    return new ReaderException(
        String.format(
            "configuration %s: %s; fix the value (defaults and their meaning are in"
                + " conf/reference.conf)",
            origin, problem));
  }
}
