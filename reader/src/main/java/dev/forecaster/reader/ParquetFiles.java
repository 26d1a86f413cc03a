package dev.forecaster.reader;

import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.internal.parquet.ParquetFileReader.BatchReadSupport;
import io.delta.kernel.engine.ParquetHandler;
import io.delta.kernel.exceptions.KernelEngineException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The kernel's Parquet reading with one shared Hadoop {@link Configuration}. delta-kernel-defaults
 * 3.3 opens each file with {@code new ParquetReader.Builder(path)}, which creates (and parses) a
 * new Configuration per file: ~20 ms a file, so a table of 700 nightly files took 15 s to load.
 * This handler builds the same reader (the kernel's own {@link BatchReadSupport}, so the batches
 * are identical, row indexes for deletion vectors included) from a {@link HadoopInputFile} that
 * carries the shared configuration. Reads with a predicate, and all writes, go to the kernel's
 * handler.
 */
final class ParquetFiles implements ParquetHandler {
  // Batches of 256 rows (the kernel reads 1024): a batch in flight when the young generation is
  // collected is copied, and 2 x 1024 rows of a 17-feature map overflowed the survivor space into
  // the old generation, filling it with garbage (full collections while loading 100 symbols).
  private static final int BATCH_SIZE = 256;

  private final Configuration conf;
  private final ParquetHandler kernel;

  ParquetFiles(Configuration conf, ParquetHandler kernel) {
    this.conf = conf;
    this.kernel = kernel;
  }

  @Override
  public CloseableIterator<ColumnarBatch> readParquetFiles(
      CloseableIterator<FileStatus> files, StructType physicalSchema, Optional<Predicate> predicate)
      throws IOException {
    if (predicate.isPresent()) {
      return kernel.readParquetFiles(files, physicalSchema, predicate);
    }
    return new CloseableIterator<>() {
      private CloseableIterator<ColumnarBatch> current;

      @Override
      public boolean hasNext() {
        while (current == null || !current.hasNext()) {
          closeCurrent();
          if (!files.hasNext()) {
            return false;
          }
          current = read(files.next().getPath(), physicalSchema);
        }
        return true;
      }

      @Override
      public ColumnarBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }

      private void closeCurrent() {
        if (current != null) {
          try {
            current.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          current = null;
        }
      }

      @Override
      public void close() throws IOException {
        closeCurrent();
        files.close();
      }
    };
  }

  /** The batches of one file, as the kernel's reader would produce them. */
  private CloseableIterator<ColumnarBatch> read(String path, StructType schema) {
    int rowIndexColumn = schema.indexOf(StructField.METADATA_ROW_INDEX_COLUMN_NAME);
    boolean rowIndex = rowIndexColumn >= 0 && schema.at(rowIndexColumn).isMetadataColumn();
    BatchReadSupport support = new BatchReadSupport(BATCH_SIZE, schema);
    ParquetReader<Object> reader;
    try {
      reader =
          new ParquetReader.Builder<Object>(HadoopInputFile.fromPath(new Path(path), conf)) {
            @Override
            protected ReadSupport<Object> getReadSupport() {
              return support;
            }
          }.useRecordFilter(false)
              .useStatsFilter(false)
              .useBloomFilter(false)
              .useDictionaryFilter(false)
              .useColumnIndexFilter(false)
              .build();
    } catch (IOException e) {
      throw new KernelEngineException("Error reading Parquet file: " + path, e);
    }
    return new CloseableIterator<>() {
      private boolean pending;

      @Override
      public boolean hasNext() {
        if (pending) {
          return true;
        }
        try {
          pending = reader.read() != null;
        } catch (IOException e) {
          throw new KernelEngineException("Error reading Parquet file: " + path, e);
        }
        return pending;
      }

      @Override
      public ColumnarBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int size = 0;
        do {
          pending = false;
          support.finalizeCurrentRow(rowIndex ? reader.getCurrentRowIndex() : -1);
          size++;
        } while (size < BATCH_SIZE && hasNext());
        return support.getDataAsColumnarBatch(size);
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }

  @Override
  public CloseableIterator<DataFileStatus> writeParquetFiles(
      String directoryPath,
      CloseableIterator<FilteredColumnarBatch> dataIter,
      List<Column> statsColumns)
      throws IOException {
    return kernel.writeParquetFiles(directoryPath, dataIter, statsColumns);
  }

  @Override
  public void writeParquetFileAtomically(
      String filePath, CloseableIterator<FilteredColumnarBatch> data) throws IOException {
    kernel.writeParquetFileAtomically(filePath, data);
  }
}
