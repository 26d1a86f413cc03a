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
 * Shared pieces are interned for the load, and a features map is written once however many rows
 * share it. Thread-safe.
 */
final class RowSerializer {
  private static final JsonFactory JSON =
      new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);

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

  RowJson serialize(ForecastRow row) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    int[] ends = new int[6];
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("symbol", row.symbol());
      g.writeStringField("as_of", Instants.format(row.asOfMicros()));
      g.writeNumberField("horizon_minutes", row.horizonMinutes());
      number(g, "expected_return", row.expectedReturn());
      g.writeStringField("direction", row.direction());
      number(g, "confidence", row.confidence());
      g.writeNumberField("lookback_days", row.lookbackDays());
      if (row.nPoints() == null) {
        g.writeNullField("n_points");
      } else {
        g.writeNumberField("n_points", row.nPoints());
      }
      ends[0] = end(g, out);
      g.writeStringField("model_type", row.modelType());
      g.writeStringField("model_name", row.modelName());
      g.writeStringField("model_version", row.modelVersion());
      ends[1] = end(g, out);
      g.writeStringField("regime", row.regime());
      number(g, "regime_score", row.regimeScore());
      g.writeFieldName("features");
      ends[2] = end(g, out);
      // A distinct features map is written once (features()); here a placeholder value keeps the
      // generator's state. It writes the name's ':' with the value: the regime piece takes it.
      g.writeNull();
      ends[3] = end(g, out);
      number(g, "p_up", row.pUp());
      ends[4] = end(g, out);
      g.writeStringField("fallback_reason", row.fallbackReason());
      g.writeStringField("run_id", row.runId());
      g.writeStringField(
          "created_at",
          row.createdAtMicros() == null ? null : Instants.format(row.createdAtMicros()));
      ends[5] = end(g, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] all = out.toByteArray();
    byte[] unique = new byte[ends[0] + ends[4] - ends[3]];
    System.arraycopy(all, 0, unique, 0, ends[0]);
    System.arraycopy(all, ends[3], unique, ends[0], ends[4] - ends[3]);
    return new RowJson(
        strings.computeIfAbsent(row.symbol(), s -> s),
        row.horizonMinutes(),
        row.lookbackDays(),
        row.asOfMicros(),
        row.createdAtMicros() == null ? Long.MIN_VALUE : row.createdAtMicros(),
        unique,
        ends[0],
        shared(all, ends[0], ends[1]),
        shared(all, ends[1], ends[2] + 1),
        row.features() == null ? NULL : features.computeIfAbsent(row.features(), this::features),
        shared(all, ends[4], ends[5]));
  }

  private static final byte[] NULL = "null".getBytes(StandardCharsets.UTF_8);

  private byte[] features(Features f) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * f.size());
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

  private static int end(JsonGenerator g, ByteArrayOutputStream out) throws IOException {
    g.flush();
    return out.size();
  }

  private byte[] shared(byte[] all, int from, int to) {
    byte[] piece = Arrays.copyOfRange(all, from, to);
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
