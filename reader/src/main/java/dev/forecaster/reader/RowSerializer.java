package dev.forecaster.reader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serializes forecast rows to {@link RowJson}, once, for one load: the field names and JSON types
 * of the seed system's response (INTERFACES.md), then p_up, fallback_reason, run_id and created_at.
 * Each field is a piece interned for the load (a name and value that many rows share, such as
 * {@code ,"horizon_minutes":1440} or a rounded {@code ,"confidence":0.61}, is stored once), and a
 * features map is written once however many rows share it. Thread-safe.
 *
 * <p>A piece is the field's name and its value as Jackson's generator writes them (strings quoted
 * by its {@link JsonStringEncoder}, numbers as {@link Double#toString}, NaN and infinities as
 * null), built here without a generator: a row usually repeats most values of the row read before
 * it on the same thread (the same symbol, night, model, run), and such a piece is taken from that
 * row without encoding or interning anything.
 */
final class RowSerializer {
  private static final JsonFactory JSON =
      new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);

  private static final byte[] NULL = "null".getBytes(StandardCharsets.UTF_8);

  private static final byte[] NULL_FEATURES = ":null".getBytes(StandardCharsets.UTF_8);

  /** The fields in the order of the response; each piece starts with its name. */
  private static final String[] FIELDS = {
    "symbol",
    "as_of",
    "horizon_minutes",
    "expected_return",
    "direction",
    "confidence",
    "lookback_days",
    "n_points",
    "model_type",
    "model_name",
    "model_version",
    "regime",
    "regime_score",
    "features",
    "p_up",
    "fallback_reason",
    "run_id",
    "created_at"
  };

  private static final int AS_OF = 1;
  private static final int FEATURES = 13;
  private static final int CREATED_AT = 17;

  /** Pieces of a row: one a field, the features map as two (its name, then the map). */
  private static final int PIECES = FIELDS.length + 1;

  /** {@code {"symbol":}, then {@code ,"as_of":} and so on. */
  private static final byte[][] NAMES = new byte[FIELDS.length][];

  static {
    for (int f = 0; f < FIELDS.length; f++) {
      NAMES[f] =
          ((f == 0 ? "{" : ",") + "\"" + FIELDS[f] + "\"" + (f == FEATURES ? "" : ":"))
              .getBytes(StandardCharsets.UTF_8);
    }
  }

  private final Map<Bytes, byte[]> pieces = new ConcurrentHashMap<>();
  private final Map<Features, byte[]> features = new ConcurrentHashMap<>();
  private final Map<String, String> strings = new ConcurrentHashMap<>();

  /** Per reading thread: the last value of each field and its piece. */
  private final ThreadLocal<Last> last = ThreadLocal.withInitial(Last::new);

  private static final class Last {
    /** What a null value is remembered as. */
    static final Object NULL = new Object();

    final Object[] values = new Object[FIELDS.length];
    final byte[][] pieces = new byte[FIELDS.length][];
  }

  /**
   * A piece of JSON as a map key: hashing and comparing the array is cheap, unlike ByteBuffer's.
   */
  private record Bytes(byte[] bytes, int hash) {
    Bytes(byte[] bytes) {
      this(bytes, Arrays.hashCode(bytes));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && hash == b.hash && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  RowJson serialize(ForecastRow row) {
    Last l = last.get();
    byte[][] cut = new byte[PIECES][];
    cut[0] = piece(l, 0, row.symbol());
    cut[1] = piece(l, AS_OF, row.asOfMicros());
    cut[2] = piece(l, 2, row.horizonMinutes());
    cut[3] = piece(l, 3, row.expectedReturn());
    cut[4] = piece(l, 4, row.direction());
    cut[5] = piece(l, 5, row.confidence());
    cut[6] = piece(l, 6, row.lookbackDays());
    cut[7] = piece(l, 7, row.nPoints());
    cut[8] = piece(l, 8, row.modelType());
    cut[9] = piece(l, 9, row.modelName());
    cut[10] = piece(l, 10, row.modelVersion());
    cut[11] = piece(l, 11, row.regime());
    cut[12] = piece(l, 12, row.regimeScore());
    cut[13] = NAMES[FEATURES];
    cut[14] =
        row.features() == null
            ? NULL_FEATURES
            : features.computeIfAbsent(row.features(), RowSerializer::features);
    cut[15] = piece(l, 14, row.pUp());
    cut[16] = piece(l, 15, row.fallbackReason());
    cut[17] = piece(l, 16, row.runId());
    cut[18] = piece(l, CREATED_AT, row.createdAtMicros());
    return new RowJson(
        strings.computeIfAbsent(row.symbol(), s -> s),
        row.horizonMinutes(),
        row.lookbackDays(),
        row.asOfMicros(),
        row.createdAtMicros() == null ? Long.MIN_VALUE : row.createdAtMicros(),
        cut);
  }

  /** The piece of a field: the last row's on this thread when the value is the same. */
  private byte[] piece(Last l, int field, Object value) {
    Object key = value == null ? Last.NULL : value;
    if (key.equals(l.values[field])) {
      return l.pieces[field];
    }
    byte[] piece = intern(concat(NAMES[field], json(field, value)));
    l.values[field] = key;
    l.pieces[field] = piece;
    return piece;
  }

  /** A value as JSON: instants as ISO-8601 strings, non-finite numbers (not JSON) as null. */
  private static byte[] json(int field, Object value) {
    if (value == null) {
      return NULL;
    }
    if (field == AS_OF || field == CREATED_AT) {
      return quoted(Instants.format((Long) value));
    }
    if (value instanceof String s) {
      return quoted(s);
    }
    if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return NULL;
    }
    return value.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] quoted(String s) {
    byte[] body = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    byte[] quoted = new byte[body.length + 2];
    quoted[0] = '"';
    System.arraycopy(body, 0, quoted, 1, body.length);
    quoted[quoted.length - 1] = '"';
    return quoted;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static byte[] features(Features f) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * f.size());
    out.write(':');
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (int i = 0; i < f.size(); i++) {
        double value = f.value(i);
        if (Double.isNaN(value) || Double.isInfinite(value)) {
          g.writeNullField(f.name(i));
        } else {
          g.writeNumberField(f.name(i), value);
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The bytes of the table version that end every row of one index. */
  static byte[] suffix(long version) {
    return (",\"table_version\":" + version + "}").getBytes(StandardCharsets.UTF_8);
  }

  private byte[] intern(byte[] piece) {
    byte[] known = pieces.putIfAbsent(new Bytes(piece), piece);
    return known != null ? known : piece;
  }
}
