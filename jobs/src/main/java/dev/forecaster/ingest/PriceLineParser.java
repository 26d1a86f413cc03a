package dev.forecaster.ingest;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Turns one data line of a price CSV into a row of {@code Schemas.PARSED_PRICES}. A line that
 * cannot be typed keeps its raw text and gets a {@code parse_error}; range checks (positive prices,
 * high >= low, ...) are left to {@link PriceRules} so that they live in one place.
 */
public final class PriceLineParser implements Serializable {
  private final PriceHeader header;
  private final String fileSymbol;
  private transient CsvLines csv;

  /**
   * @param fileSymbol the symbol named by the file (SYMBOL.csv), used when the file has no symbol
   *     column
   */
  public PriceLineParser(PriceHeader header, String fileSymbol) {
    this.header = header;
    this.fileSymbol = fileSymbol;
  }

  public Row parse(String sourceFile, long lineNumber, String raw) {
    if (csv == null) {
      csv = new CsvLines();
    }
    Object[] v = new Object[11];
    v[0] = sourceFile;
    v[1] = lineNumber;
    v[2] = raw;
    try {
      if (raw.isBlank()) {
        throw new IllegalArgumentException("empty line");
      }
      String[] f = csv.split(raw);
      String symbol =
          header.symbol() >= 0 ? normaliseSymbol(field(f, header.symbol())) : fileSymbol;
      if (symbol == null || symbol.isEmpty()) {
        throw new IllegalArgumentException("missing symbol");
      }
      v[3] = symbol;
      Instant ts = Timestamps.parse(field(f, header.timestamp()));
      v[4] = Timestamp.from(ts);
      v[5] = number(f, header.open(), "open", true);
      v[6] = number(f, header.high(), "high", true);
      v[7] = number(f, header.low(), "low", true);
      v[8] = number(f, header.close(), "close", true);
      v[9] = header.volume() >= 0 ? number(f, header.volume(), "volume", false) : null;
    } catch (IllegalArgumentException e) {
      v[10] = e.getMessage();
    }
    return RowFactory.create(v);
  }

  static String normaliseSymbol(String s) {
    return s == null ? null : s.trim().toUpperCase(Locale.ROOT);
  }

  private static String field(String[] fields, int index) {
    return index < fields.length ? fields[index] : null;
  }

  private static Double number(String[] fields, int index, String name, boolean required) {
    String text = field(fields, index);
    if (text == null || text.isBlank() || text.equalsIgnoreCase("null")) {
      if (required) {
        throw new IllegalArgumentException("missing " + name);
      }
      return null;
    }
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "unparseable " + name + " '" + (text.length() > 40 ? text.substring(0, 40) : text) + "'");
    }
  }
}
