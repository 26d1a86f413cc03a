package dev.forecaster.reader;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.ExpressionHandler;
import io.delta.kernel.engine.FileSystemClient;
import io.delta.kernel.engine.JsonHandler;
import io.delta.kernel.engine.ParquetHandler;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The kernel's default engine with one change: Parquet files are opened with the engine's own
 * Hadoop configuration instead of a new one per file (see {@link ParquetFiles}).
 */
final class ReaderEngine implements Engine {
  private final Engine defaults;
  private final ParquetHandler parquet;

  private ReaderEngine(Engine defaults, ParquetHandler parquet) {
    this.defaults = defaults;
    this.parquet = parquet;
  }

  static Engine create() {
    return create(Map.of(), null);
  }

  /**
   * With these Hadoop settings (e.g. fs.s3a.endpoint) over Hadoop's defaults, and Hadoop's file
   * systems loaded from {@code classes} when not null ({@link S3aJars}).
   */
  static Engine create(Map<String, String> hadoop, ClassLoader classes) {
    Configuration conf = new Configuration();
    if (classes != null) {
      conf.setClassLoader(classes);
    }
    hadoop.forEach(conf::set);
    DefaultEngine defaults = DefaultEngine.create(conf);
    return new ReaderEngine(defaults, new ParquetFiles(conf, defaults.getParquetHandler()));
  }

  @Override
  public ExpressionHandler getExpressionHandler() {
    return defaults.getExpressionHandler();
  }

  @Override
  public JsonHandler getJsonHandler() {
    return defaults.getJsonHandler();
  }

  @Override
  public FileSystemClient getFileSystemClient() {
    return defaults.getFileSystemClient();
  }

  @Override
  public ParquetHandler getParquetHandler() {
    return parquet;
  }
}
