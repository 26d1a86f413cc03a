package dev.forecaster.cli;

import dev.forecaster.config.ConfigLoader;
import dev.forecaster.config.ForecasterConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options of every command that touches tables: configuration and warehouse. */
public final class TableOptions {
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "HOCON file layered over the defaults (conf/reference.conf).")
  Path conf;

  @Option(
      names = "--warehouse",
      paramLabel = "URI",
      description =
          "Root of all tables: a local path or s3a://bucket/prefix (overrides the config).")
  String warehouse;

  /** The configuration: defaults, then --conf, then these flags. */
  public ForecasterConfig load() {
    Map<String, Object> overrides = new HashMap<>();
    if (warehouse != null) {
      overrides.put("warehouse", warehouse);
    }
    return ConfigLoader.load(conf, overrides);
  }
}
