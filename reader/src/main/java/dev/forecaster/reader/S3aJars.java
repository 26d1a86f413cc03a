package dev.forecaster.reader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * hadoop-aws and the AWS SDK bundle, which sit in {@code lib/} beside the reader jar, on a class
 * loader of their own that exists only for an s3a warehouse. On the jar's manifest Class-Path they
 * were opened at every start: any class looked up and not found in the jar (picocli probing for
 * Jansi, Hadoop for optional codecs) made the JVM read the SDK bundle's directory of 131,000
 * entries, ~0.2 s and ~20 MB kept for a local warehouse that never uses them.
 */
final class S3aJars {
  private static final String S3A_FILE_SYSTEM = "org.apache.hadoop.fs.s3a.S3AFileSystem";

  private S3aJars() {}

  /**
   * The class loader Hadoop should load s3a's classes from for this warehouse: null (Hadoop's own)
   * for a local one, or when s3a is on the class path already (tests, a custom class path).
   */
  static ClassLoader forWarehouse(String warehouse) {
    if (!isS3(warehouse) || visible(S3aJars.class.getClassLoader())) {
      return null;
    }
    Path lib = libDirectory();
    List<URL> jars = new ArrayList<>();
    if (lib != null && Files.isDirectory(lib)) {
      try (Stream<Path> files = Files.list(lib)) {
        for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
          jars.add(jar.toUri().toURL());
        }
      } catch (MalformedURLException e) {
        throw new IllegalStateException(e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    ClassLoader loader =
        new URLClassLoader("s3a", jars.toArray(URL[]::new), S3aJars.class.getClassLoader());
    if (!visible(loader)) {
      throw new ReaderException(
          "the warehouse "
              + warehouse
              + " is on S3, but hadoop-aws is not in "
              + lib
              + "; build the reader with `mvn -pl reader -am package` (it copies hadoop-aws and"
              + " the AWS SDK there) and keep lib/ beside forecaster-reader.jar");
    }
    return loader;
  }

  private static boolean isS3(String warehouse) {
    int end = warehouse.indexOf("://");
    return end > 0 && warehouse.substring(0, end).toLowerCase(Locale.ROOT).startsWith("s3");
  }

  private static boolean visible(ClassLoader loader) {
    try {
      Class.forName(S3A_FILE_SYSTEM, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** {@code lib/} beside the jar this class was loaded from; null when not run from a jar. */
  private static Path libDirectory() {
    try {
      Path source =
          Path.of(S3aJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(source) ? source.resolveSibling("lib") : null;
    } catch (Exception e) {
      return null;
    }
  }
}
