package dev.forecaster.ingest;

import dev.forecaster.errors.Errors;
import dev.forecaster.schema.Schemas;
import java.util.ArrayList;
import java.util.List;
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
    List<JavaRDD<Row>> parts = new ArrayList<>();
    for (LandingFile file : files) {
      PriceHeader header = priceHeader(file);
      PriceLineParser parser = new PriceLineParser(header, file.symbolFromName());
      String name = file.path();
      parts.add(lines(spark, name, true).map(t -> parser.parse(name, t._2(), t._1())));
    }
    return spark.createDataFrame(union(spark, parts, files), Schemas.PARSED_PRICES);
  }

  static Dataset<Row> events(SparkSession spark, List<LandingFile> files) {
    List<JavaRDD<Row>> parts = new ArrayList<>();
    for (LandingFile file : files) {
      EventLineParser parser = eventParser(file);
      String name = file.path();
      parts.add(lines(spark, name, !file.json()).map(t -> parser.parse(name, t._2(), t._1())));
    }
    return spark.createDataFrame(union(spark, parts, files), Schemas.PARSED_EVENTS);
  }

  /** (line, 1-based line number) of each data line; the header line is skipped. */
  private static JavaRDD<scala.Tuple2<String, Long>> lines(
      SparkSession spark, String file, boolean hasHeader) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long first = hasHeader ? 1 : 0;
    return jsc.textFile(file, 1)
        .zipWithIndex()
        .filter(t -> t._2() >= first)
        .map(t -> new scala.Tuple2<>(t._1(), t._2() + 1));
  }

  /**
   * All files' rows in a few partitions of about {@link #PARTITION_BYTES}: a hundred small files
   * would otherwise make a hundred tiny tasks in every later step.
   */
  private static JavaRDD<Row> union(
      SparkSession spark, List<JavaRDD<Row>> parts, List<LandingFile> files) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (parts.isEmpty()) {
      return jsc.emptyRDD();
    }
    @SuppressWarnings("unchecked")
    JavaRDD<Row>[] all = parts.toArray(new JavaRDD[0]);
    if (all.length == 1) {
      return all[0];
    }
    long bytes = files.stream().mapToLong(LandingFile::bytes).sum();
    // A multiple of the cores, so that no core idles through a last lone task.
    int cores = Math.max(1, jsc.defaultParallelism());
    long bySize = (bytes + PARTITION_BYTES - 1) / PARTITION_BYTES;
    int partitions = (int) (Math.max(2, (bySize + cores - 1) / cores) * cores);
    JavaRDD<Row> union = jsc.union(all);
    return union.getNumPartitions() > partitions ? union.coalesce(partitions) : union;
  }
}
