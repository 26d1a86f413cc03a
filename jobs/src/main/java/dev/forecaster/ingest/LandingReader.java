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
  private LandingReader() {}

  static Dataset<Row> prices(SparkSession spark, List<LandingFile> files) {
    List<JavaRDD<Row>> parts = new ArrayList<>();
    for (LandingFile file : files) {
      if (file.json()) {
        throw Errors.unreadableFile(
            file.path(),
            "prices are read from CSV only",
            "convert it to CSV (" + PriceHeader.EXPECTED + ")");
      }
      PriceHeader header =
          PriceHeader.recognise(new CsvLines().split(file.firstLine()))
              .orElseThrow(
                  () ->
                      Errors.unrecognisedHeader(
                          file.path(), file.firstLine(), PriceHeader.EXPECTED));
      PriceLineParser parser = new PriceLineParser(header, file.symbolFromName());
      String name = file.path();
      parts.add(lines(spark, name, true).map(t -> parser.parse(name, t._2(), t._1())));
    }
    return spark.createDataFrame(union(spark, parts), Schemas.PARSED_PRICES);
  }

  static Dataset<Row> events(SparkSession spark, List<LandingFile> files) {
    List<JavaRDD<Row>> parts = new ArrayList<>();
    for (LandingFile file : files) {
      EventLineParser parser;
      if (file.json()) {
        parser = EventLineParser.jsonLines();
      } else {
        EventLineParser.CsvLayout layout =
            EventLineParser.CsvLayout.recognise(new CsvLines().split(file.firstLine()))
                .orElseThrow(
                    () ->
                        Errors.unrecognisedHeader(
                            file.path(), file.firstLine(), EventLineParser.EXPECTED_CSV));
        parser = EventLineParser.csv(layout);
      }
      String name = file.path();
      parts.add(lines(spark, name, !file.json()).map(t -> parser.parse(name, t._2(), t._1())));
    }
    return spark.createDataFrame(union(spark, parts), Schemas.PARSED_EVENTS);
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

  private static JavaRDD<Row> union(SparkSession spark, List<JavaRDD<Row>> parts) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (parts.isEmpty()) {
      return jsc.emptyRDD();
    }
    @SuppressWarnings("unchecked")
    JavaRDD<Row>[] all = parts.toArray(new JavaRDD[0]);
    return all.length == 1 ? all[0] : jsc.union(all);
  }
}
