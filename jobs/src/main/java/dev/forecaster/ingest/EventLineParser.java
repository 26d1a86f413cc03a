package dev.forecaster.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forecaster.generate.SyntheticMarket;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Turns one line of an events file (CSV with a header, or a JSON object per line) into a row of
 * {@code Schemas.PARSED_EVENTS}. Symbols may be {@code ;}-joined or a JSON array; an empty list
 * means market-wide news. A missing event_id is derived as the data pack documents it: the first 16
 * hex chars of SHA-1 of {@code timestamp|title}.
 */
public final class EventLineParser implements Serializable {
  public static final String EXPECTED_CSV = "event_id,timestamp,source,title,symbols,is_ai";
  private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9][A-Z0-9._]*(-[A-Z0-9]+)?");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Column positions of a CSV events file; null for JSON lines. */
  private final CsvLayout layout;

  private transient CsvLines csv;

  /** Positions of the event fields in a CSV header; -1 when absent. */
  public record CsvLayout(int eventId, int timestamp, int source, int title, int symbols, int isAi)
      implements Serializable {
    /** The layout of a header, or empty when timestamp, source or title is missing. */
    public static Optional<CsvLayout> recognise(String[] fields) {
      int ts = PriceHeader.indexOf(fields, List.of("timestamp", "ts", "date", "datetime", "time"));
      int source = PriceHeader.indexOf(fields, List.of("source", "outlet"));
      int title = PriceHeader.indexOf(fields, List.of("title", "headline"));
      if (ts < 0 || source < 0 || title < 0) {
        return Optional.empty();
      }
      return Optional.of(
          new CsvLayout(
              PriceHeader.indexOf(fields, List.of("event_id", "id")),
              ts,
              source,
              title,
              PriceHeader.indexOf(fields, List.of("symbols", "symbol")),
              PriceHeader.indexOf(fields, List.of("is_ai"))));
    }
  }

  private EventLineParser(CsvLayout layout) {
    this.layout = layout;
  }

  public static EventLineParser csv(CsvLayout layout) {
    return new EventLineParser(layout);
  }

  public static EventLineParser jsonLines() {
    return new EventLineParser(null);
  }

  public Row parse(String sourceFile, long lineNumber, String raw) {
    Object[] v = new Object[10];
    v[0] = sourceFile;
    v[1] = lineNumber;
    v[2] = raw;
    try {
      if (raw.isBlank()) {
        throw new IllegalArgumentException("empty line");
      }
      Fields f = layout == null ? fromJson(raw) : fromCsv(raw);
      Instant ts = Timestamps.parse(f.timestamp);
      String title = required(f.title, "title");
      String source = required(f.source, "source");
      String id = f.eventId == null || f.eventId.isBlank() ? null : f.eventId.trim();
      v[3] = id != null ? id : SyntheticMarket.eventId(ts.toString(), title);
      v[4] = Timestamp.from(ts);
      v[5] = source;
      v[6] = title;
      v[7] = f.symbols.toArray(new String[0]);
      v[8] = parseBoolean(f.isAi);
    } catch (IllegalArgumentException e) {
      v[9] = e.getMessage();
    }
    return RowFactory.create(v);
  }

  private static final class Fields {
    String eventId;
    String timestamp;
    String source;
    String title;
    List<String> symbols = List.of();
    String isAi;
  }

  private Fields fromCsv(String raw) {
    if (csv == null) {
      csv = new CsvLines();
    }
    String[] cells = csv.split(raw);
    Fields f = new Fields();
    f.eventId = cell(cells, layout.eventId());
    f.timestamp = cell(cells, layout.timestamp());
    f.source = cell(cells, layout.source());
    f.title = cell(cells, layout.title());
    f.symbols = splitSymbols(cell(cells, layout.symbols()));
    f.isAi = cell(cells, layout.isAi());
    return f;
  }

  private static Fields fromJson(String raw) {
    JsonNode node;
    try {
      node = JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("a JSON line must be an object");
    }
    Fields f = new Fields();
    f.eventId = text(node, "event_id");
    f.timestamp = node.hasNonNull("timestamp") ? text(node, "timestamp") : text(node, "ts");
    f.source = text(node, "source");
    f.title = text(node, "title");
    f.isAi = text(node, "is_ai");
    JsonNode symbols = node.get("symbols");
    if (symbols != null && symbols.isArray()) {
      List<String> list = new ArrayList<>();
      symbols.forEach(s -> list.add(s.asText()));
      f.symbols = checkSymbols(list);
    } else {
      f.symbols = splitSymbols(symbols == null || symbols.isNull() ? null : symbols.asText());
    }
    return f;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String cell(String[] cells, int index) {
    return index >= 0 && index < cells.length ? cells[index] : null;
  }

  static List<String> splitSymbols(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return checkSymbols(List.of(text.split(";")));
  }

  private static List<String> checkSymbols(List<String> raw) {
    List<String> out = new ArrayList<>();
    for (String s : raw) {
      String symbol = s.trim().toUpperCase(Locale.ROOT);
      if (symbol.isEmpty()) {
        continue;
      }
      if (!SYMBOL.matcher(symbol).matches()) {
        throw new IllegalArgumentException("invalid symbol '" + s.trim() + "'");
      }
      if (!out.contains(symbol)) {
        out.add(symbol);
      }
    }
    return out;
  }

  private static String required(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing " + name);
    }
    return value.trim();
  }

  private static boolean parseBoolean(String text) {
    if (text == null || text.isBlank()) {
      return false;
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException("unparseable is_ai '" + text.trim() + "'");
    };
  }
}
