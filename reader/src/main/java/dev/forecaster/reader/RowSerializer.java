package dev.forecaster.reader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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
 */
final class RowSerializer {
  private static final JsonFactory JSON =
      new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);

  private static final byte[] NULL_FEATURES = ":null".getBytes(StandardCharsets.UTF_8);

  /** Pieces of a row: 8 head fields, 3 model, 2 regime, features (name, value), 4 more. */
  private static final int PIECES = 19;

  private final Map<Bytes, byte[]> pieces = new ConcurrentHashMap<>();
  private final Map<Features, byte[]> features = new ConcurrentHashMap<>();
  private final Map<String, String> strings = new ConcurrentHashMap<>();

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

  /** The generator's output, cut into pieces as it grows. */
  private final class Pieces extends ByteArrayOutputStream {
    private final byte[][] cut = new byte[PIECES][];
    private int count;
    private int from;

    Pieces() {
      super(1024);
    }

    void cut(JsonGenerator g) throws IOException {
      g.flush();
      cut[count++] = intern(Arrays.copyOfRange(buf, from, size()));
      from = size();
    }

    void add(byte[] piece, JsonGenerator g) throws IOException {
      g.flush();
      cut[count++] = piece;
      from = size();
    }
  }

  RowJson serialize(ForecastRow row) {
    Pieces out = new Pieces();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("symbol", row.symbol());
      out.cut(g);
      g.writeStringField("as_of", Instants.format(row.asOfMicros()));
      out.cut(g);
      g.writeNumberField("horizon_minutes", row.horizonMinutes());
      out.cut(g);
      number(g, "expected_return", row.expectedReturn());
      out.cut(g);
      g.writeStringField("direction", row.direction());
      out.cut(g);
      number(g, "confidence", row.confidence());
      out.cut(g);
      g.writeNumberField("lookback_days", row.lookbackDays());
      out.cut(g);
      if (row.nPoints() == null) {
        g.writeNullField("n_points");
      } else {
        g.writeNumberField("n_points", row.nPoints());
      }
      out.cut(g);
      g.writeStringField("model_type", row.modelType());
      out.cut(g);
      g.writeStringField("model_name", row.modelName());
      out.cut(g);
      g.writeStringField("model_version", row.modelVersion());
      out.cut(g);
      g.writeStringField("regime", row.regime());
      out.cut(g);
      number(g, "regime_score", row.regimeScore());
      out.cut(g);
      g.writeFieldName("features");
      out.cut(g);
      // A distinct features map is written once (features()); here a placeholder value keeps the
      // generator's state, and is replaced by the map, which starts with the ':' it writes.
      g.writeNull();
      out.add(
          row.features() == null
              ? NULL_FEATURES
              : features.computeIfAbsent(row.features(), this::features),
          g);
      number(g, "p_up", row.pUp());
      out.cut(g);
      g.writeStringField("fallback_reason", row.fallbackReason());
      out.cut(g);
      g.writeStringField("run_id", row.runId());
      out.cut(g);
      g.writeStringField(
          "created_at",
          row.createdAtMicros() == null ? null : Instants.format(row.createdAtMicros()));
      out.cut(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RowJson(
        strings.computeIfAbsent(row.symbol(), s -> s),
        row.horizonMinutes(),
        row.lookbackDays(),
        row.asOfMicros(),
        row.createdAtMicros() == null ? Long.MIN_VALUE : row.createdAtMicros(),
        out.cut);
  }

  private byte[] features(Features f) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * f.size());
    out.write(':');
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (int i = 0; i < f.size(); i++) {
        number(g, f.name(i), f.value(i));
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

  /** Numbers as JSON numbers; null, NaN and infinities (not JSON) as null. */
  private static void number(JsonGenerator g, String field, Double value) throws IOException {
    number(g, field, value == null ? Double.NaN : value);
  }

  private static void number(JsonGenerator g, String field, double value) throws IOException {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, value);
    }
  }
}
