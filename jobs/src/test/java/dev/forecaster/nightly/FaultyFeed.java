package dev.forecaster.nightly;

import dev.forecaster.generate.MarketSpec;
import dev.forecaster.generate.SyntheticMarket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A price and news feed with real-world faults, delivered night by night into landing folders the
 * way an upstream exporter would: one new prices file and one new events file per night. It keeps,
 * independently of the pipeline, what a correct warehouse must hold after each night (the candles
 * and events known, rejected rows with their file, line and reason), so a test can compare.
 *
 * <p>Faults repeat every {@link #CYCLE} nights (offset c = night % CYCLE, night 0 brings the
 * history):
 *
 * <ul>
 *   <li>c = 1: an event stamped 3 days after the night (rejected: in the future); BBB-USD's candle
 *       with high and low swapped (rejected: high below low); AAA-USD's candle never delivered (a
 *       1-day hole); CCC-USD's candle delivered, then re-delivered corrected (close x 1.02) at c =
 *       3;
 *   <li>c = 2: AAA-USD's candle arrives 1 night late, BBB-USD's 2 nights late (c = 3, c = 4);
 *   <li>c = 3: BBB-USD's candle arrives 3 nights late (c = 6); AAA-USD's candles of c = 3 .. 7 are
 *       never delivered (a 5-day outage);
 *   <li>c = 4: the whole prices file of c = 3 is delivered again under another name (a duplicate);
 *   <li>c = 5: a binary file lands beside the prices file (the night fails; the next recovers).
 * </ul>
 *
 * <p>Once: DDD-USD is listed at night 2 (its first candle is the only one it has), CCC-USD is
 * delisted after night 3 (no candle after it).
 */
public final class FaultyFeed {
  static final int CYCLE = 8;
  static final Duration DAY = Duration.ofDays(1);
  static final List<String> SYMBOLS = List.of("AAA-USD", "BBB-USD", "CCC-USD", "DDD-USD");
  static final String PRICE_HEADER = "timestamp,open,high,low,close,volume,symbol";
  static final String EVENT_HEADER = "event_id,timestamp,source,title,symbols,is_ai";
  static final int LISTED_AT = 2;
  static final int DELISTED_AFTER = 3;

  /** One expected quarantine row: file name, line number, reason (a prefix for whole files). */
  record Rejection(String file, long line, String reason) {}

  private final Instant firstNight;
  private final Path prices;
  private final Path events;

  /** The generated truth: symbol -> open time -> "open,high,low,close,volume". */
  private final Map<String, NavigableMap<Instant, String>> truth = new LinkedHashMap<>();

  /** The generated events: timestamp -> CSV line (several may share a timestamp). */
  private final NavigableMap<Instant, List<String>> truthEvents = new TreeMap<>();

  /** What a correct warehouse holds: symbol|open -> close, and event lines, after each night. */
  final Map<String, Double> knownCloses = new TreeMap<>();

  final Map<String, Instant> knownEvents = new TreeMap<>();
  final List<Rejection> rejections = new ArrayList<>();

  /** Data lines written per landing file name. */
  final Map<String, Long> linesWritten = new TreeMap<>();

  /** Faults injected so far, by kind. */
  final Map<String, Integer> faults = new TreeMap<>();

  /** The known state after each night: close time bound -> snapshot, for clean recomputations. */
  final List<Map<String, Double>> closesAfterNight = new ArrayList<>();

  final List<Map<String, Instant>> eventsAfterNight = new ArrayList<>();
  private final Map<Integer, List<String>> lateDeliveries = new TreeMap<>();
  private String copyOfPreviousNight;

  public FaultyFeed(Path generated, Path landing, Instant firstNight, int nights, long seed)
      throws IOException {
    this.firstNight = firstNight;
    this.prices = Files.createDirectories(landing.resolve("prices"));
    this.events = Files.createDirectories(landing.resolve("events"));
    int days = (int) Duration.between(MarketSpec.DEFAULT_START, firstNight).toDays() + nights + 2;
    new SyntheticMarket(
            new MarketSpec(
                SYMBOLS, MarketSpec.DEFAULT_START, days, 86_400, seed, 0.5, 0.0, 0.3, 0.2, 0.15))
        .write(generated, s -> {});
    for (String symbol : SYMBOLS) {
      NavigableMap<Instant, String> candles = new TreeMap<>();
      List<String> lines = Files.readAllLines(generated.resolve("prices/" + symbol + ".csv"));
      for (String line : lines.subList(1, lines.size())) {
        int comma = line.indexOf(',');
        candles.put(instant(line.substring(0, comma)), line.substring(comma + 1));
      }
      truth.put(symbol, candles);
    }
    List<String> lines = Files.readAllLines(generated.resolve("events/events.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] head = line.split(",", 3);
      truthEvents.computeIfAbsent(instant(head[1]), k -> new ArrayList<>()).add(line);
    }
  }

  static Instant instant(String text) {
    return text.length() == 10
        ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
        : Instant.parse(text);
  }

  public Instant night(int i) {
    return firstNight.plus(DAY.multipliedBy(i));
  }

  /**
   * Writes night i's deliveries into the landing folders and records what a correct warehouse holds
   * afterwards. Night 0 also delivers the whole history before it.
   */
  public void deliver(int i) throws IOException {
    Instant night = night(i);
    int c = i % CYCLE;
    String date = night.toString().substring(0, 10);
    String pricesFile = "prices-" + date + ".csv";
    List<String> lines = new ArrayList<>();
    List<String> rejectedLines = new ArrayList<>();
    for (String symbol : SYMBOLS) {
      if (symbol.equals("DDD-USD") && i < LISTED_AT) {
        continue;
      }
      if (symbol.equals("CCC-USD") && i > DELISTED_AFTER) {
        continue;
      }
      // Night 0 brings the history; DDD-USD has none (listed with its first candle).
      NavigableMap<Instant, String> candles =
          i == 0 ? truth.get(symbol).headMap(night.minus(DAY), true) : new TreeMap<>();
      if (i > 0) {
        Instant open = night.minus(DAY);
        candles.put(open, truth.get(symbol).get(open));
      }
      Instant tonight = night.minus(DAY);
      for (Map.Entry<Instant, String> e : candles.entrySet()) {
        boolean isTonight = e.getKey().equals(tonight);
        String values = e.getValue();
        if (isTonight && i > 0) {
          if (symbol.equals("AAA-USD") && (c == 1 || c >= 3)) {
            fault(c == 1 ? "hole 1 day" : "hole 5 days (candles)");
            continue;
          }
          if (symbol.equals("AAA-USD") && c == 2) {
            late(i + 1, symbol, e.getKey(), values, "late 1 night");
            continue;
          }
          if (symbol.equals("BBB-USD") && c == 2) {
            late(i + 2, symbol, e.getKey(), values, "late 2 nights");
            continue;
          }
          if (symbol.equals("BBB-USD") && c == 3) {
            late(i + 3, symbol, e.getKey(), values, "late 3 nights");
            continue;
          }
          if (symbol.equals("BBB-USD") && c == 1) {
            String[] v = values.split(",");
            String swapped = String.join(",", v[0], v[2], v[1], v[3], v[4]);
            rejectedLines.add(line(e.getKey(), swapped, symbol));
            lines.add(line(e.getKey(), swapped, symbol));
            rejections.add(new Rejection(pricesFile, lines.size() + 1, "high below low"));
            fault("bad row (high below low)");
            continue;
          }
          if (symbol.equals("CCC-USD") && c == 1) {
            String[] v = values.split(",");
            double close = Double.parseDouble(v[3]) * 1.02;
            double high = Math.max(Double.parseDouble(v[1]), close);
            String corrected =
                String.join(",", v[0], Double.toString(high), v[2], Double.toString(close), v[4]);
            lateDeliveries
                .computeIfAbsent(i + 2, k -> new ArrayList<>())
                .add(line(e.getKey(), corrected, symbol));
            fault("corrected re-delivery");
          }
        }
        lines.add(line(e.getKey(), values, symbol));
      }
    }
    if (i == LISTED_AT) {
      fault("symbol listed");
    }
    if (i == DELISTED_AFTER + 1) {
      fault("symbol delisted");
    }
    lines.addAll(lateDeliveries.getOrDefault(i, List.of()));
    write(prices.resolve(pricesFile), PRICE_HEADER, lines);
    for (String line : lines) {
      if (!rejectedLines.contains(line)) {
        String[] v = line.split(",");
        knownCloses.put(key(v[6], instant(v[0])), Double.parseDouble(v[4]));
      }
    }
    if (copyOfPreviousNight != null) {
      // The same delivery again under another name: nothing changes.
      Path copy = prices.resolve("resent-" + copyOfPreviousNight);
      Files.copy(prices.resolve(copyOfPreviousNight), copy);
      linesWritten.put(copy.getFileName().toString(), linesWritten.get(copyOfPreviousNight));
      copyOfPreviousNight = null;
      fault("duplicate landing file");
    }
    if (c == 3) {
      copyOfPreviousNight = pricesFile;
    }
    if (c == 5) {
      String broken = "prices-" + date + "-broken.csv";
      Files.write(prices.resolve(broken), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 20, 0, 8});
      rejections.add(new Rejection(broken, 0, "unreadable file"));
      fault("malformed file");
    }

    String eventsFile = "events-" + date + ".csv";
    List<String> eventLines = new ArrayList<>();
    Instant from = i == 0 ? Instant.EPOCH : night.minus(DAY);
    truthEvents.subMap(from, true, night, false).values().forEach(eventLines::addAll);
    for (String line : eventLines) {
      knownEvents.put(line.split(",", 2)[0], instant(line.split(",", 3)[1]));
    }
    if (c == 1) {
      Instant future = night.plus(Duration.ofDays(3));
      eventLines.add(
          "feedbeeffeed"
              + String.format("%04d", i)
              + ","
              + future
              + ",wire,Announced early,,false");
      rejections.add(new Rejection(eventsFile, eventLines.size() + 1, "timestamp in the future"));
      fault("event in the future");
    }
    write(events.resolve(eventsFile), EVENT_HEADER, eventLines);
    closesAfterNight.add(new TreeMap<>(knownCloses));
    eventsAfterNight.add(new TreeMap<>(knownEvents));
  }

  private void late(int night, String symbol, Instant open, String values, String kind) {
    lateDeliveries.computeIfAbsent(night, k -> new ArrayList<>()).add(line(open, values, symbol));
    fault(kind);
  }

  private void fault(String kind) {
    faults.merge(kind, 1, Integer::sum);
  }

  static String key(String symbol, Instant open) {
    return symbol + "|" + open;
  }

  private static String line(Instant open, String values, String symbol) {
    return open + "," + values + "," + symbol;
  }

  private void write(Path file, String header, List<String> lines) throws IOException {
    List<String> all = new ArrayList<>();
    all.add(header);
    all.addAll(lines);
    Files.write(file, all, StandardCharsets.UTF_8);
    linesWritten.put(file.getFileName().toString(), (long) lines.size());
  }

  /** The candles of a snapshot with a close time at or before {@code bound}. */
  static TreeSet<String> closedBy(Map<String, Double> closes, Instant bound) {
    TreeSet<String> out = new TreeSet<>();
    closes.forEach(
        (k, close) -> {
          Instant open = Instant.parse(k.substring(k.indexOf('|') + 1));
          if (!open.plus(DAY).isAfter(bound)) {
            out.add(k + "=" + close);
          }
        });
    return out;
  }

  /** The events of a snapshot stamped before {@code bound}. */
  static TreeSet<String> before(Map<String, Instant> events, Instant bound) {
    TreeSet<String> out = new TreeSet<>();
    events.forEach(
        (id, ts) -> {
          if (ts.isBefore(bound)) {
            out.add(id);
          }
        });
    return out;
  }

  /**
   * Writes the landing files of a clean recomputation: every candle and event of a snapshot, one
   * prices file and one events file, in their final delivered values.
   */
  void writeClean(Path dir, Map<String, Double> closes, Map<String, Instant> eventIds)
      throws IOException {
    List<String> lines = new ArrayList<>();
    for (String k : closes.keySet()) {
      String symbol = k.substring(0, k.indexOf('|'));
      Instant open = Instant.parse(k.substring(k.indexOf('|') + 1));
      String[] v = truth.get(symbol).get(open).split(",");
      double close = closes.get(k);
      double high = Math.max(Double.parseDouble(v[1]), close);
      lines.add(
          line(
              open,
              String.join(",", v[0], Double.toString(high), v[2], Double.toString(close), v[4]),
              symbol));
    }
    Files.createDirectories(dir.resolve("prices"));
    Files.createDirectories(dir.resolve("events"));
    write(dir.resolve("prices/all.csv"), PRICE_HEADER, lines);
    List<String> eventLines = new ArrayList<>();
    for (List<String> group : truthEvents.values()) {
      for (String line : group) {
        if (eventIds.containsKey(line.split(",", 2)[0])) {
          eventLines.add(line);
        }
      }
    }
    write(dir.resolve("events/all.csv"), EVENT_HEADER, eventLines);
  }
}
