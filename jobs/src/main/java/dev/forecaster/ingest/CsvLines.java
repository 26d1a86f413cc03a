package dev.forecaster.ingest;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;

/** Splits one CSV line (RFC-4180 quoting, {@code ""} inside quotes) into trimmed fields. */
final class CsvLines {
  private final CsvParser parser;

  CsvLines() {
    CsvParserSettings settings = new CsvParserSettings();
    settings.setNullValue("");
    settings.setEmptyValue("");
    settings.setIgnoreLeadingWhitespaces(true);
    settings.setIgnoreTrailingWhitespaces(true);
    settings.setMaxCharsPerColumn(1_000_000);
    settings.setMaxColumns(4_096);
    parser = new CsvParser(settings);
  }

  /** The fields of {@code line}; a leading byte-order mark is dropped. */
  String[] split(String line) {
    String text = line.startsWith("\uFEFF") ? line.substring(1) : line;
    String[] fields = parser.parseLine(text);
    return fields == null ? new String[0] : fields;
  }
}
