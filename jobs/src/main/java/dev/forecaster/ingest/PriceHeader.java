package dev.forecaster.ingest;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where each price field sits in a landing CSV, recognised case-insensitively from the header: our
 * format ({@code timestamp,open,high,low,close,volume}, optional {@code symbol}) and common exports
 * such as Yahoo's {@code Date,Open,High,Low,Close,Adj Close,Volume}. Other columns are ignored.
 */
public record PriceHeader(
    int timestamp, int open, int high, int low, int close, int volume, int symbol, int width)
    implements Serializable {

  public static final String EXPECTED = "timestamp,open,high,low,close,volume[,symbol]";
  private static final List<String> TIMESTAMP =
      List.of("timestamp", "date", "datetime", "time", "open_time", "opentime", "ts", "unix");
  private static final List<String> SYMBOL = List.of("symbol", "ticker");

  /** The header's layout, or empty when a required column is missing. */
  public static Optional<PriceHeader> recognise(String[] fields) {
    int ts = indexOf(fields, TIMESTAMP);
    int open = indexOf(fields, List.of("open"));
    int high = indexOf(fields, List.of("high"));
    int low = indexOf(fields, List.of("low"));
    int close = indexOf(fields, List.of("close"));
    if (ts < 0 || open < 0 || high < 0 || low < 0 || close < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new PriceHeader(
            ts,
            open,
            high,
            low,
            close,
            indexOf(fields, List.of("volume")),
            indexOf(fields, SYMBOL),
            fields.length));
  }

  static int indexOf(String[] fields, List<String> names) {
    for (int i = 0; i < fields.length; i++) {
      String f = fields[i] == null ? "" : fields[i].trim().toLowerCase(Locale.ROOT);
      if (names.contains(f)) {
        return i;
      }
    }
    return -1;
  }
}
