package dev.forecaster.reader;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.DeletionVectorDescriptor;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The {@code forecasts} Delta table read through delta-kernel: its latest version, and all the live
 * rows of one snapshot (the kernel's scan applies remove actions and deletion vectors, so MERGEd
 * versions read correctly). Every file access goes through the kernel {@link Engine}.
 */
public final class ForecastsTable {
  /** Columns the reader needs and their types; p_up may be absent from older tables. */
  private static final Map<String, Predicate<DataType>> COLUMNS = new LinkedHashMap<>();

  private static final String OPTIONAL_COLUMN = "p_up";

  static {
    Predicate<DataType> timestamp =
        t -> t instanceof TimestampType || t instanceof TimestampNTZType;
    Predicate<DataType> string = t -> t instanceof StringType;
    Predicate<DataType> dbl = t -> t instanceof DoubleType;
    Predicate<DataType> integer = t -> t instanceof IntegerType;
    COLUMNS.put("as_of", timestamp);
    COLUMNS.put("symbol", string);
    COLUMNS.put("horizon_minutes", integer);
    COLUMNS.put("lookback_days", integer);
    COLUMNS.put("expected_return", dbl);
    COLUMNS.put("direction", string);
    COLUMNS.put("confidence", dbl);
    COLUMNS.put("p_up", dbl);
    COLUMNS.put("n_points", t -> t instanceof LongType || t instanceof IntegerType);
    COLUMNS.put("model_type", string);
    COLUMNS.put("model_name", string);
    COLUMNS.put("model_version", string);
    COLUMNS.put("regime", string);
    COLUMNS.put("regime_score", dbl);
    COLUMNS.put(
        "features",
        t ->
            t instanceof MapType m
                && m.getKeyType() instanceof StringType
                && m.getValueType() instanceof DoubleType);
    COLUMNS.put("fallback_reason", string);
    COLUMNS.put("run_id", string);
    COLUMNS.put("created_at", timestamp);
  }

  /** Threads reading data files (shared by every load; loads run one at a time). */
  private static final int READ_THREADS =
      Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private static final ExecutorService READERS =
      Executors.newFixedThreadPool(
          READ_THREADS,
          r -> {
            Thread t = new Thread(r, "forecasts-file-reader");
            t.setDaemon(true);
            return t;
          });

  private final Engine engine;
  private final String path;

  public ForecastsTable(Engine engine, String path) {
    this.engine = engine;
    this.path = path;
  }

  public String path() {
    return path;
  }

  /** The table's latest committed snapshot, or empty when there is no Delta table at the path. */
  public Optional<Snapshot> latest() {
    try {
      return Optional.of(Table.forPath(engine, path).getLatestSnapshot(engine));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
  }

  public OptionalLong latestVersion() {
    return latest().map(s -> OptionalLong.of(s.getVersion(engine))).orElse(OptionalLong.empty());
  }

  public long version(Snapshot snapshot) {
    return snapshot.getVersion(engine);
  }

  /**
   * The live rows of a snapshot, by data file. A file named in {@code known} (by path and deletion
   * vector: a file whose rows were deleted since is another file) is not read again; the others are
   * read in parallel (a table of nightly MERGEs has one or more small files per night, each costing
   * a footer read) and each row is handed to {@code convert} on the reading thread.
   *
   * @param known rows of files read before, by {@link #fileKey}
   * @param convert turns a row into what the caller keeps; called concurrently
   */
  public <T> Files<T> read(
      Snapshot snapshot, Map<String, List<T>> known, Function<ForecastRow, T> convert) {
    StructType tableSchema = snapshot.getSchema(engine);
    StructType readSchema = readSchema(tableSchema);
    Scan scan = snapshot.getScanBuilder(engine).withReadSchema(engine, readSchema).build();
    Row scanState = scan.getScanState(engine);
    StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
    Map<String, List<T>> files = new HashMap<>();
    List<Map.Entry<String, Row>> toRead = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> fileRows = batches.next().getRows()) {
          while (fileRows.hasNext()) {
            Row scanFile = fileRows.next();
            String key = fileKey(scanFile);
            List<T> rows = known.get(key);
            if (rows != null) {
              files.put(key, rows);
            } else {
              toRead.add(Map.entry(key, scanFile));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int reused = files.size();
    int tasks = Math.min(toRead.size(), READ_THREADS);
    List<Callable<Map<String, List<T>>>> work = new ArrayList<>();
    for (int t = 0; t < tasks; t++) {
      int first = t;
      work.add(
          () -> {
            Map<String, List<T>> read = new HashMap<>();
            for (int i = first; i < toRead.size(); i += tasks) {
              List<T> rows = new ArrayList<>();
              readFile(
                  scanState,
                  toRead.get(i).getValue(),
                  physicalSchema,
                  r -> rows.add(convert.apply(r)));
              read.put(toRead.get(i).getKey(), rows);
            }
            return read;
          });
    }
    try {
      for (Future<Map<String, List<T>>> part : READERS.invokeAll(work)) {
        files.putAll(part.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReaderException("interrupted while reading " + path, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
    return new Files<>(files, reused, toRead.size());
  }

  /** The rows of a snapshot by file key, and how many files were reused and read. */
  public record Files<T>(Map<String, List<T>> rows, int reused, int read) {}

  /** A data file as the snapshot sees it: its path and its deletion vector, if any. */
  private static String fileKey(Row scanFile) {
    String path = InternalScanFileUtils.getAddFileStatus(scanFile).getPath();
    DeletionVectorDescriptor dv =
        InternalScanFileUtils.getDeletionVectorDescriptorFromRow(scanFile);
    return dv == null ? path : path + "#" + dv.getUniqueId();
  }

  private void readFile(
      Row scanState, Row scanFile, StructType physicalSchema, Consumer<ForecastRow> sink) {
    FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
    try {
      CloseableIterator<ColumnarBatch> physical =
          engine
              .getParquetHandler()
              .readParquetFiles(single(status), physicalSchema, Optional.empty());
      try (CloseableIterator<FilteredColumnarBatch> data =
          Scan.transformPhysicalData(engine, scanState, scanFile, physical)) {
        while (data.hasNext()) {
          collect(data.next(), sink);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private StructType readSchema(StructType tableSchema) {
    StructType read = new StructType();
    for (Map.Entry<String, Predicate<DataType>> column : COLUMNS.entrySet()) {
      String name = column.getKey();
      int index = tableSchema.indexOf(name);
      if (index < 0) {
        if (name.equals(OPTIONAL_COLUMN)) {
          continue;
        }
        throw new ReaderException(
            String.format(
                "the forecasts table at %s has no column '%s', so it is not the table of"
                    + " INTERFACES.md; point --warehouse at a warehouse the forecast job wrote",
                path, name));
      }
      StructField field = tableSchema.at(index);
      if (!column.getValue().test(field.getDataType())) {
        throw new ReaderException(
            String.format(
                "the forecasts table at %s has column '%s' of type %s, which the reader cannot"
                    + " serve (INTERFACES.md); point --warehouse at a warehouse the forecast job"
                    + " wrote",
                path, name, field.getDataType()));
      }
      read = read.add(field);
    }
    return read;
  }

  private static void collect(FilteredColumnarBatch batch, Consumer<ForecastRow> rows) {
    ColumnarBatch data = batch.getData();
    StructType schema = data.getSchema();
    Optional<ColumnVector> selection = batch.getSelectionVector();
    Columns c = new Columns(data, schema);
    for (int i = 0; i < data.getSize(); i++) {
      if (selection.isPresent()) {
        ColumnVector s = selection.get();
        if (s.isNullAt(i) || !s.getBoolean(i)) {
          continue;
        }
      }
      rows.accept(c.row(i));
    }
  }

  /** The read columns of one batch, by name. */
  private static final class Columns {
    private final ColumnVector asOf;
    private final ColumnVector symbol;
    private final ColumnVector horizon;
    private final ColumnVector lookback;
    private final ColumnVector expectedReturn;
    private final ColumnVector direction;
    private final ColumnVector confidence;
    private final ColumnVector pUp;
    private final ColumnVector nPoints;
    private final ColumnVector modelType;
    private final ColumnVector modelName;
    private final ColumnVector modelVersion;
    private final ColumnVector regime;
    private final ColumnVector regimeScore;
    private final ColumnVector features;
    private final KernelMaps maps;
    private final ColumnVector fallbackReason;
    private final ColumnVector runId;
    private final ColumnVector createdAt;

    Columns(ColumnarBatch data, StructType schema) {
      asOf = column(data, schema, "as_of");
      symbol = column(data, schema, "symbol");
      horizon = column(data, schema, "horizon_minutes");
      lookback = column(data, schema, "lookback_days");
      expectedReturn = column(data, schema, "expected_return");
      direction = column(data, schema, "direction");
      confidence = column(data, schema, "confidence");
      pUp = column(data, schema, "p_up");
      nPoints = column(data, schema, "n_points");
      modelType = column(data, schema, "model_type");
      modelName = column(data, schema, "model_name");
      modelVersion = column(data, schema, "model_version");
      regime = column(data, schema, "regime");
      regimeScore = column(data, schema, "regime_score");
      features = column(data, schema, "features");
      maps = KernelMaps.of(features);
      fallbackReason = column(data, schema, "fallback_reason");
      runId = column(data, schema, "run_id");
      createdAt = column(data, schema, "created_at");
    }

    ForecastRow row(int i) {
      if (asOf.isNullAt(i) || symbol.isNullAt(i) || horizon.isNullAt(i) || lookback.isNullAt(i)) {
        throw new ReaderException(
            "the forecasts table has a row with a null key column (as_of, symbol,"
                + " horizon_minutes, lookback_days); the forecast job never writes one, so the"
                + " table was changed by hand: fix or remove that row");
      }
      return new ForecastRow(
          asOf.getLong(i),
          symbol.getString(i),
          horizon.getInt(i),
          lookback.getInt(i),
          dbl(expectedReturn, i),
          str(direction, i),
          dbl(confidence, i),
          dbl(pUp, i),
          nPoints == null || nPoints.isNullAt(i)
              ? null
              : nPoints.getDataType() instanceof IntegerType
                  ? (long) nPoints.getInt(i)
                  : nPoints.getLong(i),
          str(modelType, i),
          str(modelName, i),
          str(modelVersion, i),
          str(regime, i),
          dbl(regimeScore, i),
          map(features, i),
          str(fallbackReason, i),
          str(runId, i),
          createdAt.isNullAt(i) ? null : createdAt.getLong(i));
    }

    private static ColumnVector column(ColumnarBatch data, StructType schema, String name) {
      int index = schema.indexOf(name);
      return index < 0 ? null : data.getColumnVector(index);
    }

    private static Double dbl(ColumnVector v, int i) {
      return v == null || v.isNullAt(i) ? null : v.getDouble(i);
    }

    private static String str(ColumnVector v, int i) {
      return v == null || v.isNullAt(i) ? null : v.getString(i);
    }

    /** The previous row's feature names as read, and the Features they made: most rows match. */
    private String[] lastNames = new String[0];

    private Features lastFeatures;

    private Features map(ColumnVector v, int i) {
      if (v == null || v.isNullAt(i)) {
        return null;
      }
      if (maps != null) {
        return map(maps, i);
      }
      MapValue m = v.getMap(i);
      ColumnVector keys = m.getKeys();
      ColumnVector values = m.getValues();
      String[] names = new String[m.getSize()];
      double[] numbers = new double[m.getSize()];
      for (int k = 0; k < names.length; k++) {
        names[k] = keys.getString(k);
        numbers[k] = values.isNullAt(k) ? Double.NaN : values.getDouble(k);
      }
      if (lastFeatures != null && Arrays.equals(names, lastNames)) {
        lastFeatures = lastFeatures.withValuesOf(numbers);
      } else {
        lastNames = names;
        lastFeatures = Features.of(names, numbers);
      }
      return lastFeatures;
    }

    /** The previous row's keys as read: a key whose bytes are the same is not decoded again. */
    private byte[][] lastKeys = new byte[0][];

    private Features map(KernelMaps m, int i) {
      int from = m.offsets[i];
      int size = m.offsets[i + 1] - from;
      boolean sameKeys = size == lastKeys.length;
      for (int k = 0; sameKeys && k < size; k++) {
        sameKeys = Arrays.equals(m.keys[from + k], lastKeys[k]);
      }
      double[] numbers = new double[size];
      for (int k = 0; k < size; k++) {
        boolean isNull = m.valueIsNull != null && m.valueIsNull[from + k];
        numbers[k] = isNull ? Double.NaN : m.values[from + k];
      }
      if (sameKeys && lastFeatures != null) {
        lastFeatures = lastFeatures.withValuesOf(numbers);
        return lastFeatures;
      }
      String[] names = new String[size];
      byte[][] keys = new byte[size][];
      for (int k = 0; k < size; k++) {
        keys[k] = m.keys[from + k];
        names[k] = new String(keys[k], StandardCharsets.UTF_8);
      }
      lastKeys = keys;
      lastFeatures = Features.of(names, numbers);
      return lastFeatures;
    }
  }

  private static <T> CloseableIterator<T> single(T value) {
    return new CloseableIterator<>() {
      private final Iterator<T> it = List.of(value).iterator();

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }
}
