package dev.forecaster.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Files of a model version under the models root, through Hadoop's FileSystem so that a local path
 * and s3a:// work alike: {@code <root>/<name>/<version>/pipeline} (the saved MLlib pipeline),
 * {@code metadata.json}, and {@code training_samples} (the (symbol, as_of) of every sample the
 * model was fit on, which the leakage guard counts against a backtest window).
 */
public final class ModelArtifacts {
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SparkSession spark;
  private final String root;

  public ModelArtifacts(SparkSession spark, String modelsRoot) {
    this.spark = spark;
    this.root =
        modelsRoot.endsWith("/") ? modelsRoot.substring(0, modelsRoot.length() - 1) : modelsRoot;
  }

  public String versionDir(String modelName, String version) {
    return root + "/" + modelName + "/" + version;
  }

  public String pipelineUri(String modelName, String version) {
    return versionDir(modelName, version) + "/pipeline";
  }

  public String metadataUri(String modelName, String version) {
    return versionDir(modelName, version) + "/metadata.json";
  }

  public String trainingSamplesUri(String modelName, String version) {
    return versionDir(modelName, version) + "/training_samples";
  }

  public void savePipeline(PipelineModel model, String uri) {
    try {
      model.write().overwrite().save(uri);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + uri, e);
    }
  }

  /** Loads a saved pipeline; any failure (missing, corrupt, incompatible) propagates. */
  public PipelineModel loadPipeline(String uri) {
    return PipelineModel.load(uri);
  }

  public void saveTrainingSamples(Dataset<Row> keys, String uri) {
    keys.coalesce(1).write().mode("overwrite").parquet(uri);
  }

  public Dataset<Row> trainingSamples(String uri) {
    return spark.read().parquet(uri);
  }

  /**
   * Writes metadata.json whole or not at all: a process killed mid-write must not leave a
   * registered (perhaps promoted) version with a torn file. On a file system with an atomic rename
   * the bytes go to a hidden temporary file renamed over the target; an object store (s3a) makes an
   * object visible only when its upload completes, so it is written directly.
   */
  public void writeMetadata(ObjectNode metadata, String uri) {
    Path path = new Path(uri);
    var hadoop = spark.sparkContext().hadoopConfiguration();
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      String scheme = fs.getUri().getScheme();
      if (scheme != null && scheme.startsWith("s3")) {
        try (OutputStream out = fs.create(path, true)) {
          JSON.writeValue(out, metadata);
        }
        return;
      }
      Path temporary = new Path(path.getParent(), "." + path.getName() + ".tmp");
      try (OutputStream out = fs.create(temporary, true)) {
        JSON.writeValue(out, metadata);
      }
      org.apache.hadoop.fs.FileContext.getFileContext(path.toUri(), hadoop)
          .rename(temporary, path, org.apache.hadoop.fs.Options.Rename.OVERWRITE);
      // The local file system's checksum file of the temporary one, if any, is now stale.
      fs.delete(new Path(path.getParent(), "." + temporary.getName() + ".crc"), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + uri, e);
    }
  }

  public ObjectNode readMetadata(String uri) {
    Path path = new Path(uri);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(path)) {
        return (ObjectNode) JSON.readTree(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + uri, e);
    }
  }
}
