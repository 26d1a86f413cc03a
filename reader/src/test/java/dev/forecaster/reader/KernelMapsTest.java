package dev.forecaster.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The features maps read from the kernel's arrays ({@link KernelMaps}) against the kernel's public
 * MapValue API, on every data file of the golden table: the same keys and values, row by row. It
 * also fails when a kernel upgrade moves the arrays, so that the reader does not fall back to the
 * slow path unnoticed.
 */
class KernelMapsTest {
  @Test
  void theArraysHoldWhatThePublicApiReads() throws IOException {
    StructType schema =
        new StructType()
            .add("features", new MapType(StringType.STRING, DoubleType.DOUBLE, true), true);
    DefaultEngine engine = DefaultEngine.create(new Configuration());
    List<Path> files;
    try (Stream<Path> all = Files.walk(Golden.table())) {
      files = all.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
    assertTrue(files.size() >= 4, "golden data files: " + files);
    int entries = 0;
    for (Path file : files) {
      FileStatus status = FileStatus.of(file.toString(), Files.size(file), 0);
      try (CloseableIterator<ColumnarBatch> batches =
          engine
              .getParquetHandler()
              .readParquetFiles(
                  io.delta.kernel.internal.util.Utils.singletonCloseableIterator(status),
                  schema,
                  Optional.empty())) {
        while (batches.hasNext()) {
          ColumnVector features = batches.next().getColumnVector(0);
          KernelMaps maps = KernelMaps.of(features);
          assertNotNull(maps, "the kernel's map vector is no longer " + features.getClass());
          for (int row = 0; row < features.getSize(); row++) {
            if (features.isNullAt(row)) {
              continue;
            }
            MapValue map = features.getMap(row);
            int from = maps.offsets[row];
            assertEquals(map.getSize(), maps.offsets[row + 1] - from);
            for (int k = 0; k < map.getSize(); k++) {
              assertArrayEquals(
                  map.getKeys().getString(k).getBytes(StandardCharsets.UTF_8), maps.keys[from + k]);
              boolean isNull = maps.valueIsNull != null && maps.valueIsNull[from + k];
              assertEquals(map.getValues().isNullAt(k), isNull);
              if (!isNull) {
                assertEquals(map.getValues().getDouble(k), maps.values[from + k]);
              }
              entries++;
            }
          }
        }
      }
    }
    assertTrue(entries > 100, "features entries compared: " + entries);
  }
}
