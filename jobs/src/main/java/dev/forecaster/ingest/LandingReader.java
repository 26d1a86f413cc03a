package dev.forecaster.ingest;

import dev.forecaster.errors.Errors;
import dev.forecaster.schema.Schemas;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads landing files in parallel into parsed rows that keep each line's file, 1-based line number
 * and raw text, so any rejected row can be traced back and nothing is lost.
 */
final class LandingReader {
  private static final long PARTITION_BYTES = 32L << 20;

  private LandingReader() {}

  /** The header of a price file; fails naming the file when it is not one. */
  static PriceHeader priceHeader(LandingFile file) {
    if (file.json()) {
      throw Errors.unreadableFile(
          file.path(),
          "prices are read from CSV only",
          "convert it to CSV (" + PriceHeader.EXPECTED + ")");
    }
    return PriceHeader.recognise(new CsvLines().split(file.firstLine()))
        .orElseThrow(
            () -> Errors.unrecognisedHeader(file.path(), file.firstLine(), PriceHeader.EXPECTED));
  }

  /** The parser of an event file; fails naming the file when its header is not recognised. */
  static EventLineParser eventParser(LandingFile file) {
    if (file.json()) {
      return EventLineParser.jsonLines();
    }
    EventLineParser.CsvLayout layout =
        EventLineParser.CsvLayout.recognise(new CsvLines().split(file.firstLine()))
            .orElseThrow(
                () ->
                    Errors.unrecognisedHeader(
                        file.path(), file.firstLine(), EventLineParser.EXPECTED_CSV));
    return EventLineParser.csv(layout);
  }

  static Dataset<Row> prices(SparkSession spark, List<LandingFile> files) {
    Map<String, PriceLineParser> parsers = new HashMap<>();
    for (LandingFile file : files) {
      parsers.put(file.path(), new PriceLineParser(priceHeader(file), file.symbolFromName()));
    }
    JavaRDD<Row> rows =
        numberedLines(spark, files, true)
            .map(l -> parsers.get(l.file()).parse(l.file(), l.number(), l.text()));
    return spark.createDataFrame(rows, Schemas.PARSED_PRICES);
  }

  static Dataset<Row> events(SparkSession spark, List<LandingFile> files) {
    Map<String, EventLineParser> parsers = new HashMap<>();
    List<LandingFile> csv = new ArrayList<>();
    List<LandingFile> jsonLines = new ArrayList<>();
    for (LandingFile file : files) {
      parsers.put(file.path(), eventParser(file));
      (file.json() ? jsonLines : csv).add(file);
    }
    JavaRDD<NumberedLine> lines =
        numberedLines(spark, csv, true).union(numberedLines(spark, jsonLines, false));
    JavaRDD<Row> rows = lines.map(l -> parsers.get(l.file()).parse(l.file(), l.number(), l.text()));
    return spark.createDataFrame(rows, Schemas.PARSED_EVENTS);
  }

  /** A line of a landing file: the file's path as listed, its 1-based number and its text. */
  record NumberedLine(String file, long number, String text) implements Serializable {}

  /**
   * Every line of every file, numbered within its file, the header line skipped: one Hadoop read of
   * all files (each file one split, so a split's n-th line is the file's n-th line), in a few
   * partitions of about {@link #PARTITION_BYTES}. One RDD per file cost the driver a closure check
   * and a broadcast of the Hadoop configuration per file: seconds for a hundred files.
   */
  private static JavaRDD<NumberedLine> numberedLines(
      SparkSession spark, List<LandingFile> files, boolean hasHeader) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (files.isEmpty()) {
      return jsc.emptyRDD();
    }
    Configuration conf = new Configuration(jsc.hadoopConfiguration());
    Map<String, String> listedAs = new HashMap<>();
    Path[] paths = new Path[files.size()];
    try {
      for (int i = 0; i < paths.length; i++) {
        Path path = new Path(files.get(i).path());
        paths[i] = path.getFileSystem(conf).makeQualified(path);
        listedAs.put(paths[i].toString(), files.get(i).path());
      }
      Job job = Job.getInstance(conf);
      FileInputFormat.setInputPaths(job, paths);
      conf = job.getConfiguration();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JavaRDD<NumberedLine> lines =
        ((JavaNewHadoopRDD<LongWritable, Text>)
                jsc.newAPIHadoopRDD(
                    conf, WholeFileTextInputFormat.class, LongWritable.class, Text.class))
            .mapPartitionsWithInputSplit(
                (split, records) -> {
                  String qualified = ((FileSplit) split).getPath().toString();
                  String file = listedAs.get(qualified);
                  if (file == null) {
                    throw new IllegalStateException("read a file not asked for: " + qualified);
                  }
                  long[] number = {0};
                  if (hasHeader && records.hasNext()) {
                    records.next();
                    number[0]++;
                  }
                  return new Iterator<NumberedLine>() {
                    @Override
                    public boolean hasNext() {
                      return records.hasNext();
                    }

                    @Override
                    public NumberedLine next() {
                      // The record reader reuses its Text: copy the line out now.
                      String text = records.next()._2().toString();
                      return new NumberedLine(file, ++number[0], text);
                    }
                  };
                },
                false);
    long bytes = files.stream().mapToLong(LandingFile::bytes).sum();
    // A multiple of the cores, so that no core idles through a last lone task.
    int cores = Math.max(1, jsc.defaultParallelism());
    long bySize = (bytes + PARTITION_BYTES - 1) / PARTITION_BYTES;
    int partitions = (int) (Math.max(2, (bySize + cores - 1) / cores) * cores);
    return lines.getNumPartitions() > partitions ? lines.coalesce(partitions) : lines;
  }

  /** Text lines, each file read whole by one task (compressed or not). */
  public static final class WholeFileTextInputFormat extends TextInputFormat {
    @Override
    protected boolean isSplitable(JobContext context, Path file) {
      return false;
    }
  }
}
