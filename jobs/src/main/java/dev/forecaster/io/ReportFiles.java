package dev.forecaster.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes report folders ({@code index.html} and its PNG files) through Hadoop's FileSystem, so that
 * a local warehouse and s3a:// work alike. A folder is replaced whole.
 */
public final class ReportFiles {
  private final Configuration hadoop;

  public ReportFiles(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /**
   * @return the URI of the page
   */
  public String write(String folder, String html, Map<String, byte[]> files) {
    Path dir = new Path(folder);
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      if (fs instanceof ChecksumFileSystem checksummed) {
        // The local file system would add a .crc file beside each file of the report.
        fs = checksummed.getRawFileSystem();
      }
      if (fs.exists(dir)) {
        fs.delete(dir, true);
      }
      fs.mkdirs(dir);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        try (OutputStream out = fs.create(new Path(dir, f.getKey()), true)) {
          out.write(f.getValue());
        }
      }
      Path page = new Path(dir, "index.html");
      try (OutputStream out = fs.create(page, true)) {
        out.write(html.getBytes(StandardCharsets.UTF_8));
      }
      return fs.makeQualified(page).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + folder, e);
    }
  }
}
