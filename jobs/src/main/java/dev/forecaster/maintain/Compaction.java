package dev.forecaster.maintain;

import dev.forecaster.io.Warehouse.DataFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Delta's OPTIMIZE (bin-packing) will compact in a table version, worked out from its file
 * list the way Delta 3.3 chooses: in each partition the files smaller than {@code minFileSize} (and
 * files with a deletion vector), smallest first, packed into bins of at most {@code maxFileSize};
 * each bin of two or more files becomes one file. Delta also weighs a deletion vector's share of
 * deleted rows, which the file list does not carry, so with deletion vectors the plan is an
 * estimate; without them (the warehouse's tables) it is exact.
 */
public final class Compaction {
  private Compaction() {}

  /**
   * The files to compact and what they become.
   *
   * @param files data files that would be rewritten
   * @param bytes their size
   * @param partitions partitions with at least one bin
   * @param outputFiles files written in their place (one per bin)
   */
  public record Plan(long files, long bytes, long partitions, long outputFiles) {
    public boolean isEmpty() {
      return files == 0;
    }
  }

  public static Plan plan(List<DataFile> files, long minFileSize, long maxFileSize) {
    Map<String, List<DataFile>> byPartition = new TreeMap<>();
    for (DataFile f : files) {
      if (f.bytes() < minFileSize || f.deletionVector()) {
        byPartition.computeIfAbsent(f.partition(), k -> new ArrayList<>()).add(f);
      }
    }
    long count = 0;
    long bytes = 0;
    long partitions = 0;
    long bins = 0;
    for (List<DataFile> candidates : byPartition.values()) {
      candidates.sort(Comparator.comparingLong(DataFile::bytes));
      List<List<DataFile>> packed = new ArrayList<>();
      List<DataFile> bin = new ArrayList<>();
      long binBytes = 0;
      for (DataFile f : candidates) {
        if (!bin.isEmpty() && binBytes + f.bytes() > maxFileSize) {
          packed.add(bin);
          bin = new ArrayList<>();
          binBytes = 0;
        }
        bin.add(f);
        binBytes += f.bytes();
      }
      packed.add(bin);
      boolean any = false;
      for (List<DataFile> b : packed) {
        if (b.size() > 1) {
          any = true;
          bins++;
          count += b.size();
          bytes += b.stream().mapToLong(DataFile::bytes).sum();
        }
      }
      partitions += any ? 1 : 0;
    }
    return new Plan(count, bytes, partitions, bins);
  }
}
