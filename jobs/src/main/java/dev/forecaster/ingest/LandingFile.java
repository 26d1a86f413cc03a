package dev.forecaster.ingest;

import dev.forecaster.errors.Errors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * One landing file, found and checked before anything is read in bulk: a file that is empty, binary
 * or not UTF-8 text fails the whole run here, before any table is touched.
 *
 * @param path the file (local path or s3a:// URI)
 * @param firstLine its first line, without line terminator
 * @param json true when it holds one JSON object per line
 * @param bytes its size on storage
 * @param modifiedMillis its modification time on storage (epoch ms): with the path and size, what
 *     the ingest ledger recognises a delivered file by
 */
public record LandingFile(
    String path, String firstLine, boolean json, long bytes, long modifiedMillis) {
  private static final int PROBE_BYTES = 64 * 1024;

  /** The symbol a file named {@code SYMBOL.csv} (optionally .gz) stands for. */
  public String symbolFromName() {
    String name = new Path(path).getName();
    int dot = name.indexOf('.');
    return (dot > 0 ? name.substring(0, dot) : name).toUpperCase(Locale.ROOT);
  }

  /** A landing file that cannot be read as a whole, and why (the message names it and the fix). */
  public record Rejected(String path, long bytes, long modifiedMillis, String problem) {}

  /**
   * The files at {@code location}: the file itself, or the data files directly inside a folder
   * (hidden files and files without one of {@code extensions} are skipped), sorted by name. A file
   * that cannot be read as a whole fails the run.
   */
  public static List<LandingFile> resolve(
      Configuration hadoop, String location, List<String> extensions, String expected) {
    return resolve(hadoop, location, extensions, expected, null);
  }

  /**
   * Like {@link #resolve(Configuration, String, List, String)}, but with {@code rejected} non-null
   * a file that cannot be read as a whole is added to it instead of failing the run (the nightly
   * quarantines it and goes on with the other files).
   */
  public static List<LandingFile> resolve(
      Configuration hadoop,
      String location,
      List<String> extensions,
      String expected,
      List<Rejected> rejected) {
    List<LandingFile> files = new ArrayList<>();
    try {
      Path root = new Path(location);
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        throw Errors.noInputFiles(location, expected + " (the path does not exist)");
      }
      FileStatus status = fs.getFileStatus(root);
      List<FileStatus> candidates = new ArrayList<>();
      if (status.isDirectory()) {
        FileStatus[] listed = fs.listStatus(root);
        Arrays.sort(listed, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        for (FileStatus s : listed) {
          String name = s.getPath().getName();
          if (s.isFile()
              && !name.startsWith(".")
              && !name.startsWith("_")
              && hasExtension(name, extensions)) {
            candidates.add(s);
          }
        }
      } else {
        candidates.add(status);
      }
      if (candidates.isEmpty()) {
        throw Errors.noInputFiles(location, expected + " with extension " + extensions);
      }
      CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop);
      for (FileStatus s : candidates) {
        try {
          files.add(probe(fs, codecs, s));
        } catch (dev.forecaster.errors.ForecasterException e) {
          if (rejected == null) {
            throw e;
          }
          rejected.add(
              new Rejected(
                  s.getPath().toString(), s.getLen(), s.getModificationTime(), e.getMessage()));
        }
      }
    } catch (IOException e) {
      throw Errors.unreadableFile(
          location, "I/O error: " + e.getMessage(), "check the path and permissions");
    }
    return files;
  }

  private static boolean hasExtension(String name, List<String> extensions) {
    String lower = name.toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "");
    return extensions.stream().anyMatch(lower::endsWith);
  }

  private static LandingFile probe(FileSystem fs, CompressionCodecFactory codecs, FileStatus status)
      throws IOException {
    Path path = status.getPath();
    String file = path.toString();
    byte[] head;
    CompressionCodec codec = codecs.getCodec(path);
    try (InputStream raw = fs.open(path);
        InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
      head = readUpTo(in, PROBE_BYTES);
    }
    if (head.length == 0) {
      throw Errors.unreadableFile(file, "the file is empty", "remove it or supply the data");
    }
    int end = 0;
    while (end < head.length && head[end] != '\n' && head[end] != '\r') {
      end++;
    }
    for (byte b : head) {
      if (b == 0) {
        throw Errors.unreadableFile(
            file, "it is binary (it contains NUL bytes)", "supply UTF-8 CSV or JSON-lines text");
      }
    }
    String firstLine;
    try {
      firstLine =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(head, 0, end))
              .toString();
    } catch (CharacterCodingException e) {
      throw Errors.unreadableFile(
          file, "its first line is not UTF-8 text", "re-export the file as UTF-8");
    }
    if (firstLine.startsWith("\uFEFF")) {
      firstLine = firstLine.substring(1);
    }
    String lower = path.getName().toLowerCase(Locale.ROOT);
    boolean json = lower.contains(".json") || firstLine.trim().startsWith("{");
    return new LandingFile(file, firstLine, json, status.getLen(), status.getModificationTime());
  }

  private static byte[] readUpTo(InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while (out.size() < max && (n = in.read(buf, 0, Math.min(buf.length, max - out.size()))) > 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
