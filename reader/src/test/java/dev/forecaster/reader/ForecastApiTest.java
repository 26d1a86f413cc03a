package dev.forecaster.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over the golden table: values are the generator's literals (GoldenForecastsTableTest).
 */
class ForecastApiTest {
  @TempDir static Path warehouse;
  static TestServer reader;

  @BeforeAll
  static void start() {
    Golden.copyAll(warehouse);
    reader = TestServer.start(warehouse, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    reader.close();
  }

  @Test
  void latestForecastHasTheSeedSystemsFieldsAndJsonTypes() {
    TestServer.Reply reply = reader.get("/forecast/asset?symbol=BTC-USD&horizon_minutes=10080");
    assertEquals(200, reply.status());
    assertEquals("application/json", reply.contentType());
    JsonNode row = reply.json();

    // The seed system's response: these names with these JSON types, in this order.
    Map<String, JsonNodeType> seed = new LinkedHashMap<>();
    seed.put("symbol", JsonNodeType.STRING);
    seed.put("as_of", JsonNodeType.STRING);
    seed.put("horizon_minutes", JsonNodeType.NUMBER);
    seed.put("expected_return", JsonNodeType.NUMBER);
    seed.put("direction", JsonNodeType.STRING);
    seed.put("confidence", JsonNodeType.NUMBER);
    seed.put("lookback_days", JsonNodeType.NUMBER);
    seed.put("n_points", JsonNodeType.NUMBER);
    seed.put("model_type", JsonNodeType.STRING);
    seed.put("model_name", JsonNodeType.STRING);
    seed.put("model_version", JsonNodeType.STRING);
    seed.put("regime", JsonNodeType.STRING);
    seed.put("regime_score", JsonNodeType.NUMBER);
    seed.put("features", JsonNodeType.OBJECT);
    List<String> names = new ArrayList<>();
    row.fieldNames().forEachRemaining(names::add);
    assertEquals(List.copyOf(seed.keySet()), names.subList(0, seed.size()));
    seed.forEach((name, type) -> assertEquals(type, row.get(name).getNodeType(), name));
    assertTrue(row.get("horizon_minutes").isInt());
    assertTrue(row.get("lookback_days").isInt());
    assertTrue(row.get("n_points").isIntegralNumber());
    assertTrue(row.get("expected_return").isDouble());

    assertEquals("BTC-USD", row.get("symbol").asText());
    assertEquals("2025-12-12T00:00:00Z", row.get("as_of").asText());
    assertEquals(10080, row.get("horizon_minutes").asInt());
    assertEquals(0.0235, row.get("expected_return").asDouble());
    assertEquals("up", row.get("direction").asText());
    assertEquals(0.82, row.get("confidence").asDouble());
    assertEquals(60, row.get("lookback_days").asInt());
    assertEquals(50, row.get("n_points").asLong());
    assertEquals("ml", row.get("model_type").asText());
    assertEquals("ml_forecaster_7d_rf", row.get("model_name").asText());
    assertEquals("v3", row.get("model_version").asText());
    assertEquals("chop", row.get("regime").asText());
    assertEquals(0.016, row.get("regime_score").asDouble());
    JsonNode features = row.get("features");
    assertEquals(4, features.size());
    assertEquals(0.039, features.get("price_r_7d").asDouble());
    assertEquals(0.018, features.get("price_vol_7d").asDouble());
    assertEquals(13.0, features.get("event_count_7d").asDouble());
    assertEquals(2.0, features.get("event_hours_since_last_event").asDouble());

    // Added fields.
    assertEquals(0.82, row.get("p_up").asDouble());
    assertTrue(row.get("fallback_reason").isNull());
    assertEquals("golden-2025-12-12", row.get("run_id").asText());
    assertEquals("2025-12-12T06:00:00Z", row.get("created_at").asText());
    assertEquals(3, row.get("table_version").asInt());
  }

  @Test
  void asOfPicksTheLatestForecastAtOrBeforeIt() {
    String base = "/forecast/asset?symbol=BTC-USD&horizon_minutes=10080&as_of=";
    Map<String, String> expectedAsOf = new LinkedHashMap<>();
    expectedAsOf.put("2025-12-12", "2025-12-12T00:00:00Z");
    expectedAsOf.put("2025-12-12T00:00:00Z", "2025-12-12T00:00:00Z");
    expectedAsOf.put("2025-12-11T23:59:59Z", "2025-12-11T00:00:00Z");
    expectedAsOf.put("2025-12-11", "2025-12-11T00:00:00Z");
    expectedAsOf.put("2025-12-11T12:00:00", "2025-12-11T00:00:00Z");
    // 00:30 at +01:00 is 23:30 UTC the day before; '+' is a plus, not a space.
    expectedAsOf.put("2025-12-12T00:30:00+01:00", "2025-12-11T00:00:00Z");
    expectedAsOf.put("2025-12-12T00:30:00%2B01:00", "2025-12-11T00:00:00Z");
    expectedAsOf.put("2025-12-05", "2025-11-30T00:00:00Z");
    expectedAsOf.put("2025-11-30T00:00:00Z", "2025-11-30T00:00:00Z");
    expectedAsOf.put("2031-01-01", "2025-12-12T00:00:00Z");
    expectedAsOf.forEach(
        (asOf, expected) -> {
          TestServer.Reply reply = reader.get(base + asOf);
          assertEquals(200, reply.status(), asOf + ": " + reply.body());
          assertEquals(expected, reply.json().get("as_of").asText(), asOf);
        });
    JsonNode night2 = reader.get(base + "2025-12-11").json();
    assertEquals(0.0201, night2.get("expected_return").asDouble());
    assertEquals(0.77, night2.get("confidence").asDouble());
    JsonNode night1 = reader.get(base + "2025-12-05").json();
    assertEquals(0.0188, night1.get("expected_return").asDouble());
    assertEquals("golden-2025-11-30", night1.get("run_id").asText());
  }

  @Test
  void asOfBeforeTheFirstForecastIsNotFoundAndNamesTheEarliest() {
    TestServer.Reply reply =
        reader.get("/forecast/asset?symbol=BTC-USD&horizon_minutes=1440&as_of=2025-11-29");
    assertEquals(404, reply.status());
    assertEquals("2025-11-30T00:00:00Z", reply.json().get("earliest_as_of").asText());
    assertTrue(reply.json().get("error").asText().contains("earliest is 2025-11-30T00:00:00Z"));
    // XMR-USD starts a night later than the table.
    TestServer.Reply xmr =
        reader.get("/forecast/asset?symbol=XMR-USD&horizon_minutes=1440&as_of=2025-12-01");
    assertEquals(404, xmr.status());
    assertEquals("2025-12-11T00:00:00Z", xmr.json().get("earliest_as_of").asText());
  }

  @Test
  void lookbackDefaultsToTheConfiguredOneAndCanBeChosen() {
    JsonNode defaulted = reader.get("/forecast/asset?symbol=BTC-USD&horizon_minutes=10080").json();
    assertEquals(60, defaulted.get("lookback_days").asInt());
    JsonNode ninety =
        reader.get("/forecast/asset?symbol=BTC-USD&horizon_minutes=10080&lookback_days=90").json();
    assertEquals(90, ninety.get("lookback_days").asInt());
    assertEquals(0.0174, ninety.get("expected_return").asDouble());
    assertEquals(80, ninety.get("n_points").asLong());
    assertEquals("uptrend", ninety.get("regime").asText());
  }

  @Test
  void naiveRowsHaveNullModelVersionAndPUpAndAFallbackReason() {
    JsonNode naive = reader.get("/forecast/asset?symbol=BTC-USD&horizon_minutes=43200").json();
    assertEquals("naive", naive.get("model_type").asText());
    assertEquals("naive_baseline", naive.get("model_name").asText());
    assertTrue(naive.get("model_version").isNull());
    assertTrue(naive.get("p_up").isNull());
    assertEquals("no promoted model for horizon 43200", naive.get("fallback_reason").asText());
    assertEquals(0.0298, naive.get("expected_return").asDouble());
    assertEquals(0.57, naive.get("confidence").asDouble());
  }

  @Test
  void rowWithoutAForecastHasNullsNotMissingFields() {
    JsonNode none =
        reader
            .get("/forecast/asset?symbol=XMR-USD&horizon_minutes=43200&as_of=2025-12-11T00:00:00Z")
            .json();
    assertEquals("2025-12-11T00:00:00Z", none.get("as_of").asText());
    for (String field :
        List.of(
            "expected_return",
            "direction",
            "confidence",
            "p_up",
            "model_version",
            "regime",
            "regime_score")) {
      assertTrue(none.has(field), field);
      assertTrue(none.get(field).isNull(), field);
    }
    assertEquals(12, none.get("n_points").asLong());
    assertEquals(
        "only 12 of 60 days of history (the naive baseline needs 30)",
        none.get("fallback_reason").asText());
    assertTrue(none.get("features").has("event_hours_since_last_event"));
    assertTrue(none.get("features").get("event_hours_since_last_event").isNull());
    assertEquals(-0.051, none.get("features").get("price_r_7d").asDouble());

    JsonNode noRegime = reader.get("/forecast/asset?symbol=ETH-USD&horizon_minutes=1440").json();
    assertTrue(noRegime.get("regime").isNull());
    assertTrue(noRegime.get("regime_score").isNull());
    assertEquals(0.0015, noRegime.get("expected_return").asDouble());
  }

  @Test
  void replacedRowsAreGoneAndTheirReplacementsServed() {
    // Version 3 re-scored the 1-day rows of 2025-12-11 (a deletion vector on the old file).
    JsonNode eth =
        reader.get("/forecast/asset?symbol=ETH-USD&horizon_minutes=1440&as_of=2025-12-11").json();
    assertEquals(0.0009, eth.get("expected_return").asDouble());
    assertEquals("up", eth.get("direction").asText());
    assertEquals("golden-2025-12-11-rerun", eth.get("run_id").asText());
    assertEquals("2025-12-11T09:30:00Z", eth.get("created_at").asText());
    JsonNode ethWeek =
        reader.get("/forecast/asset?symbol=ETH-USD&horizon_minutes=10080&as_of=2025-12-11").json();
    assertEquals("golden-2025-12-11", ethWeek.get("run_id").asText());
  }

  @Test
  void forecastsListsEveryRowOfTheLatestAsOf() {
    TestServer.Reply reply = reader.get("/forecasts");
    assertEquals(200, reply.status());
    JsonNode body = reply.json();
    assertEquals("2025-12-12T00:00:00Z", body.get("as_of").asText());
    assertEquals(3, body.get("table_version").asInt());
    assertEquals(10, body.get("count").asInt());
    JsonNode rows = body.get("forecasts");
    assertEquals(10, rows.size());
    List<String> keys = new ArrayList<>();
    for (JsonNode row : rows) {
      assertEquals("2025-12-12T00:00:00Z", row.get("as_of").asText());
      assertEquals("golden-2025-12-12", row.get("run_id").asText());
      keys.add(
          row.get("symbol").asText()
              + "/"
              + row.get("horizon_minutes").asInt()
              + "/"
              + row.get("lookback_days").asInt());
    }
    assertEquals(
        List.of(
            "BTC-USD/1440/60",
            "BTC-USD/10080/60",
            "BTC-USD/10080/90",
            "BTC-USD/43200/60",
            "ETH-USD/1440/60",
            "ETH-USD/10080/60",
            "ETH-USD/43200/60",
            "XMR-USD/1440/60",
            "XMR-USD/10080/60",
            "XMR-USD/43200/60"),
        keys);
  }

  @Test
  void forecastsOfOneAsOf() {
    JsonNode night2 = reader.get("/forecasts?as_of=2025-12-11").json();
    assertEquals(10, night2.get("count").asInt());
    int reruns = 0;
    for (JsonNode row : night2.get("forecasts")) {
      boolean oneDay = row.get("horizon_minutes").asInt() == 1440;
      assertEquals(
          oneDay ? "golden-2025-12-11-rerun" : "golden-2025-12-11", row.get("run_id").asText());
      reruns += oneDay ? 1 : 0;
    }
    assertEquals(3, reruns);
    JsonNode night1 = reader.get("/forecasts?as_of=2025-11-30T00:00:00Z").json();
    assertEquals(7, night1.get("count").asInt());
    assertEquals("2025-11-30T00:00:00Z", night1.get("as_of").asText());

    TestServer.Reply between = reader.get("/forecasts?as_of=2025-12-05");
    assertEquals(404, between.status());
    JsonNode body = between.json();
    assertEquals("2025-11-30T00:00:00Z", body.get("nearest_before").asText());
    assertEquals("2025-12-11T00:00:00Z", body.get("nearest_after").asText());
    assertEquals("2025-11-30T00:00:00Z", body.get("earliest_as_of").asText());
    assertEquals("2025-12-12T00:00:00Z", body.get("latest_as_of").asText());
  }

  @Test
  void healthReportsTheServedVersion() {
    TestServer.Reply reply = reader.get("/health");
    assertEquals(200, reply.status());
    JsonNode health = reply.json();
    assertEquals("ok", health.get("status").asText());
    assertEquals(3, health.get("table_version").asInt());
    assertEquals("2025-12-12T00:00:00Z", health.get("latest_as_of").asText());
    assertEquals(27, health.get("rows").asInt());
    assertEquals(3, health.get("as_ofs").asInt());
    long age = Duration.between(Instant.parse("2025-12-12T00:00:00Z"), Instant.now()).toSeconds();
    assertTrue(Math.abs(health.get("latest_as_of_age_seconds").asLong() - age) <= 5);
    assertTrue(health.get("last_reload_error").isNull());
  }

  @Test
  void metricsCountRequestsAndExposeTheTableVersion() {
    for (int i = 0; i < 3; i++) {
      reader.get("/forecast/asset?symbol=ETH-USD&horizon_minutes=10080");
    }
    reader.get("/forecast/asset?symbol=NOPE-USD&horizon_minutes=10080");
    TestServer.Reply reply = reader.get("/metrics");
    assertEquals(200, reply.status());
    assertTrue(reply.contentType().startsWith("text/plain; version=0.0.4"));
    String text = reply.body();
    assertTrue(text.contains("# TYPE forecaster_reader_requests_total counter"), text);
    assertTrue(
        metric(
                text,
                "forecaster_reader_requests_total{endpoint=\"/forecast/asset\",status=\"200\"}")
            >= 3);
    assertTrue(
        metric(
                text,
                "forecaster_reader_requests_total{endpoint=\"/forecast/asset\",status=\"404\"}")
            >= 1);
    assertTrue(text.contains("# TYPE forecaster_reader_request_duration_seconds histogram"));
    assertTrue(
        metric(
                text,
                "forecaster_reader_request_duration_seconds_bucket{endpoint=\"/forecast/asset\",le=\"+Inf\"}")
            >= 4);
    assertEquals(3, metric(text, "forecaster_reader_table_version"));
    assertEquals(27, metric(text, "forecaster_reader_table_rows"));
    assertEquals(1, metric(text, "forecaster_reader_serving"));
    assertTrue(metric(text, "forecaster_reader_last_reload_timestamp_seconds") > 1.7e9);
    assertEquals(
        Instant.parse("2025-12-12T00:00:00Z").getEpochSecond(),
        metric(text, "forecaster_reader_latest_as_of_timestamp_seconds"));
  }

  static double metric(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError("no " + series + " in\n" + text);
  }
}
