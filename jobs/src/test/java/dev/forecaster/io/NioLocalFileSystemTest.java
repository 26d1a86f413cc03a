package dev.forecaster.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NioLocalFileSystem} against Hadoop's own {@link RawLocalFileSystem} on the same paths
 * (permissions as the OS reports them, link statuses), and the child processes Hadoop starts,
 * counted by JFR's {@code jdk.ProcessStart} events.
 */
class NioLocalFileSystemTest {
  @TempDir java.nio.file.Path dir;
  private Configuration conf;
  private RawLocalFileSystem hadoops;
  private NioLocalFileSystem.Raw ours;

  @BeforeEach
  void fileSystems() throws IOException {
    conf = new Configuration(false);
    hadoops = new RawLocalFileSystem();
    hadoops.initialize(java.net.URI.create("file:///"), conf);
    ours = new NioLocalFileSystem.Raw();
    ours.initialize(java.net.URI.create("file:///"), conf);
  }

  @Test
  void permissionsAreThoseHadoopsChmodSets() throws IOException {
    for (short mode : new short[] {0644, 0755, 0600, 0, 0777, 0700, 0751, 0640, 0123}) {
      FsPermission permission = new FsPermission(mode);
      for (String kind : List.of("file", "dir")) {
        Path viaHadoop = path("hadoop-" + kind + "-" + Integer.toOctalString(mode));
        Path viaOurs = path("ours-" + kind + "-" + Integer.toOctalString(mode));
        if (kind.equals("file")) {
          hadoops.create(viaHadoop).close();
          ours.create(viaOurs).close();
        } else {
          hadoops.mkdirs(viaHadoop);
          ours.mkdirs(viaOurs);
        }
        hadoops.setPermission(viaHadoop, permission);
        ours.setPermission(viaOurs, permission);
        assertEquals(
            Files.getPosixFilePermissions(dir.resolve(viaHadoop.getName())),
            Files.getPosixFilePermissions(dir.resolve(viaOurs.getName())),
            kind + " " + Integer.toOctalString(mode));
        if (mode == 0640) { // by hand
          assertEquals(
              PosixFilePermissions.fromString("rw-r-----"),
              Files.getPosixFilePermissions(dir.resolve(viaOurs.getName())));
        }
        // Readable again, so the temporary directory can be deleted by a user other than root.
        hadoops.setPermission(viaHadoop, new FsPermission((short) 0700));
        ours.setPermission(viaOurs, new FsPermission((short) 0700));
      }
    }
  }

  @Test
  void createAndMkdirsWithAPermissionApplyTheUmaskAsHadoopDoes() throws IOException {
    FsPermission permission = new FsPermission((short) 0777);
    hadoops.create(path("h.txt"), permission, true, 4096, (short) 1, 1 << 20, null).close();
    ours.create(path("o.txt"), permission, true, 4096, (short) 1, 1 << 20, null).close();
    hadoops.mkdirs(path("h/a/b"), permission);
    ours.mkdirs(path("o/a/b"), permission);
    assertEquals(posix("h.txt"), posix("o.txt"));
    assertEquals(posix("h/a/b"), posix("o/a/b"));
    assertEquals(posix("h/a"), posix("o/a"));
    // The default umask 022 by hand.
    assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), posix("o.txt"));
  }

  @Test
  void theStickyBitStillGoesThroughHadoop() throws IOException {
    Path sticky = path("sticky");
    ours.mkdirs(sticky);
    ours.setPermission(sticky, new FsPermission((short) 01777));
    assertEquals(new FsPermission((short) 01777), hadoops.getFileStatus(sticky).getPermission());
  }

  @Test
  void linkStatusesAreHadoops() throws IOException {
    Files.writeString(dir.resolve("file"), "12345");
    Files.createDirectory(dir.resolve("subdir"));
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("file"));
    Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
    for (String name : List.of("file", "subdir", "link", "dangling", "missing")) {
      // Hadoop 3.3.4 finds a link only when the path has no scheme (it runs readlink on the path's
      // text): both forms must give what it gives.
      Path qualified = path(name);
      Path bare = new Path(dir.resolve(name).toString());
      assertEquals(linkStatus(hadoops, qualified), linkStatus(ours, qualified), name);
      assertEquals(linkStatus(hadoops, bare), linkStatus(ours, bare), name);
    }
    assertFalse(ours.getFileLinkStatus(path("file")).isSymlink());
    assertEquals(5, ours.getFileLinkStatus(path("file")).getLen());
    assertTrue(ours.getFileLinkStatus(new Path(dir.resolve("link").toString())).isSymlink());
    assertThrows(FileNotFoundException.class, () -> ours.getFileLinkStatus(path("missing")));
  }

  @Test
  void fileContextWritesAndRenamesThroughNioLocalFs() throws Exception {
    Configuration withOurs = new Configuration();
    NioLocalFileSystem.SPARK_SETTINGS.forEach(
        (key, value) -> withOurs.set(key.substring("spark.hadoop.".length()), value));
    FileContext files = FileContext.getFileContext(withOurs);
    assertInstanceOf(NioLocalFs.class, files.getDefaultFileSystem());
    assertEquals(0, processesStartedBy(() -> renameOneFile(files, "a")));
    // The control: Hadoop's own LocalFs starts processes for the same work.
    FileContext hadoopFiles = FileContext.getFileContext(new Configuration());
    assertTrue(processesStartedBy(() -> renameOneFile(hadoopFiles, "b")) > 0);
  }

  @Test
  void aDeltaWriteOfTheTestSessionStartsNoProcess() throws Exception {
    SparkSession spark = TestSpark.session();
    assertEquals(
        NioLocalFileSystem.class.getName(),
        spark.sparkContext().hadoopConfiguration().get("fs.file.impl"));
    String table = dir.resolve("table").toString();
    spark.range(10).write().format("delta").save(table); // warms up every class first
    long started =
        processesStartedBy(
            () -> spark.range(10, 20).write().format("delta").mode("append").save(table));
    assertEquals(0, started);
    assertEquals(20, spark.read().format("delta").load(table).count());
  }

  /** What a caller sees of a link status: its fields, or the exception thrown. */
  private static String linkStatus(RawLocalFileSystem files, Path path) {
    try {
      FileStatus status = files.getFileLinkStatus(path);
      return String.join(
          " ",
          status.getPath().toString(),
          "symlink=" + status.isSymlink(),
          "dir=" + status.isDirectory(),
          "len=" + status.getLen(),
          status.isSymlink() ? status.getSymlink().toString() : "");
    } catch (IOException e) {
      return e.getClass().getName();
    }
  }

  private void renameOneFile(FileContext files, String name) throws IOException {
    Path from = path(name + ".tmp");
    try (var out =
        files.create(from, java.util.EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE))) {
      out.write(1);
    }
    files.rename(from, path(name), Options.Rename.NONE);
    assertTrue(Files.exists(dir.resolve(name)));
  }

  interface Work {
    void run() throws Exception;
  }

  /**
   * Processes Hadoop started while the work ran. Only Hadoop's: Spark's executor heartbeat starts
   * {@code getconf} once per JVM, whenever its first heartbeat comes.
   */
  private long processesStartedBy(Work work) throws Exception {
    java.nio.file.Path dump = dir.resolve("processes-" + System.nanoTime() + ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ProcessStart").withStackTrace();
      recording.start();
      work.run();
      recording.stop();
      recording.dump(dump);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(dump);
    return events.stream()
        .filter(e -> e.getEventType().getName().equals("jdk.ProcessStart"))
        .filter(
            e ->
                e.getStackTrace() != null
                    && e.getStackTrace().getFrames().stream()
                        .anyMatch(
                            f -> f.getMethod().getType().getName().startsWith("org.apache.hadoop")))
        .count();
  }

  private Path path(String name) {
    return new Path(dir.resolve(name).toUri());
  }

  private java.util.Set<java.nio.file.attribute.PosixFilePermission> posix(String name)
      throws IOException {
    return Files.getPosixFilePermissions(dir.resolve(name));
  }
}
