package dev.forecaster.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}) without a child process per file written.
 *
 * <p>Without Hadoop's native library, which no Maven artifact ships, {@link RawLocalFileSystem}
 * runs {@code chmod} for every file and directory it creates and {@code readlink} for both paths of
 * every rename through {@code FileContext} (each Delta commit): ~7 ms of wall time and a few ms of
 * CPU each in a JVM with a large heap, ~640 of them in one walk-forward retrain date. Here the
 * permission is set and the link looked up through java.nio; a real symbolic link, or a mode
 * java.nio cannot set (sticky bit), still goes to Hadoop's own code. {@link NioLocalFs} is the same
 * for {@code FileContext}; {@link #SPARK_SETTINGS} installs both.
 */
public class NioLocalFileSystem extends LocalFileSystem {
  /** The Spark settings that make every {@code file:} path of a session use these classes. */
  public static final Map<String, String> SPARK_SETTINGS =
      Map.of(
          "spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName(),
          "spark.hadoop.fs.AbstractFileSystem.file.impl", NioLocalFs.class.getName());

  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (checksum-free) file system: what both the FileSystem and the FileContext use. */
  public static class Raw extends RawLocalFileSystem {
    private static final PosixFilePermission[] BY_BIT = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      short mode = permission.toShort();
      if ((mode & ~0777) != 0) {
        super.setPermission(p, permission);
        return;
      }
      Set<PosixFilePermission> bits = EnumSet.noneOf(PosixFilePermission.class);
      for (int bit = 0; bit < BY_BIT.length; bit++) {
        if ((mode & (1 << bit)) != 0) {
          bits.add(BY_BIT[bit]);
        }
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), bits);
      } catch (UnsupportedOperationException notPosix) {
        super.setPermission(p, permission);
      }
    }

    /** What Hadoop returns for a path that is no link (its status), without running readlink. */
    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      if (Files.isSymbolicLink(pathToFile(f).toPath())) {
        return super.getFileLinkStatus(f);
      }
      return getFileStatus(f);
    }
  }
}
