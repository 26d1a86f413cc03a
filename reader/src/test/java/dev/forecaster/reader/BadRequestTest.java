package dev.forecaster.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is a 4xx with a JSON error naming the problem, never a 500. */
class BadRequestTest {
  private static final String ASSET = "/forecast/asset?";

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
  void eachMalformedParameterIs400NamingIt() {
    // query -> the parameter the error must name
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("horizon_minutes=10080", "'symbol'");
    cases.put("symbol=&horizon_minutes=10080", "'symbol'");
    cases.put("symbol=BTC%20USD&horizon_minutes=10080", "'symbol'");
    cases.put("symbol=%3Cscript%3E&horizon_minutes=10080", "'symbol'");
    cases.put("symbol=..%2F..%2Fetc%2Fpasswd&horizon_minutes=10080", "'symbol'");
    cases.put("symbol=BTC-USD", "'horizon_minutes'");
    cases.put("symbol=BTC-USD&horizon_minutes=abc", "'horizon_minutes'");
    cases.put("symbol=BTC-USD&horizon_minutes=-5", "'horizon_minutes'");
    cases.put("symbol=BTC-USD&horizon_minutes=0", "'horizon_minutes'");
    cases.put("symbol=BTC-USD&horizon_minutes=1e4", "'horizon_minutes'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080.0", "'horizon_minutes'");
    cases.put("symbol=BTC-USD&horizon_minutes=99999999999999", "'horizon_minutes'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080&lookback_days=sixty", "'lookback_days'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080&lookback_days=", "'lookback_days'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080&as_of=yesterday", "'as_of'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080&as_of=2025-13-01", "'as_of'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080&as_of=2025-12-12T25:00:00Z", "'as_of'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080&as_of=", "'as_of'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080&as_of=%FF%FE", "'as_of'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080&as_of=+99999-01-01", "'as_of'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080&horizon=10080", "'horizon'");
    cases.put("symbol=BTC-USD&symbol=ETH-USD&horizon_minutes=10080", "'symbol'");
    cases.forEach(
        (query, parameter) -> {
          TestServer.Reply reply = reader.get(ASSET + query);
          assertEquals(400, reply.status(), query + " -> " + reply.body());
          assertEquals("application/json", reply.contentType());
          String error = reply.json().get("error").asText();
          assertTrue(error.contains(parameter), query + " -> " + error);
        });
    TestServer.Reply forecasts = reader.get("/forecasts?as_of=12/12/2025");
    assertEquals(400, forecasts.status());
    assertTrue(forecasts.json().get("error").asText().contains("'as_of'"));
    TestServer.Reply unknown = reader.get("/forecasts?symbol=BTC-USD");
    assertEquals(400, unknown.status());
    assertTrue(unknown.json().get("error").asText().contains("'symbol'"));
    assertEquals(400, reader.get("/health?verbose=1").status());
  }

  @Test
  void severalLookbacksAndNoneNamedIs400ListingThem() {
    // The golden table has BTC-USD 10080 at lookbacks 60 and 90; with a default of 30 configured
    // neither is the default, so the reader cannot choose.
    try (TestServer other = new TestServerWithDefaultLookback(warehouse, 30).start()) {
      TestServer.Reply reply = other.get(ASSET + "symbol=BTC-USD&horizon_minutes=10080");
      assertEquals(400, reply.status());
      assertTrue(reply.json().get("error").asText().contains("'lookback_days'"));
      assertEquals("[60,90]", reply.json().get("available").get("lookback_days").toString());
      // A series with one lookback needs no choice.
      assertEquals(200, other.get(ASSET + "symbol=ETH-USD&horizon_minutes=10080").status());
    }
  }

  @Test
  void unknownSymbolHorizonOrLookbackIs404WithWhatExists() {
    JsonNode symbol = notFound(ASSET + "symbol=DOGE-USD&horizon_minutes=10080");
    assertTrue(symbol.get("error").asText().contains("DOGE-USD"));
    assertEquals("[\"BTC-USD\",\"ETH-USD\",\"XMR-USD\"]", available(symbol, "symbols"));
    assertEquals("[1440,10080,43200]", available(symbol, "horizon_minutes"));
    assertEquals("[60,90]", available(symbol, "lookback_days"));

    JsonNode horizon = notFound(ASSET + "symbol=XMR-USD&horizon_minutes=60");
    assertTrue(horizon.get("error").asText().contains("horizon_minutes 60"));
    assertEquals("[1440,10080,43200]", available(horizon, "horizon_minutes"));
    assertEquals("[60]", available(horizon, "lookback_days"));

    JsonNode lookback = notFound(ASSET + "symbol=BTC-USD&horizon_minutes=10080&lookback_days=30");
    assertTrue(lookback.get("error").asText().contains("lookback_days 30"));
    assertEquals("[60,90]", available(lookback, "lookback_days"));

    // Symbols are exact: the table's spelling.
    assertEquals(404, reader.get(ASSET + "symbol=btc-usd&horizon_minutes=10080").status());
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() {
    for (String path :
        List.of(
            "/", "/forecast", "/forecast/asset/", "/forecasts/x", "/FORECASTS", "/favicon.ico")) {
      TestServer.Reply reply = reader.get(path);
      assertEquals(404, reply.status(), path);
      assertTrue(reply.json().get("error").asText().contains("unknown path"), path);
    }
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      for (String path :
          List.of(
              "/forecasts", "/forecast/asset?symbol=BTC-USD&horizon_minutes=10080", "/health")) {
        TestServer.Reply reply = reader.send(method, path);
        assertEquals(405, reply.status(), method + " " + path);
        assertEquals("GET, HEAD", reply.allow());
        assertTrue(reply.json().get("error").asText().contains("use GET"));
      }
    }
  }

  @Test
  void oversizedAndOddRequestsAre4xx() {
    TestServer.Reply huge = reader.get(ASSET + "symbol=" + "A".repeat(5000) + "&horizon_minutes=1");
    assertEquals(414, huge.status());
    assertTrue(huge.json().get("error").asText().contains("longer than"));

    List<String> lines = new ArrayList<>();
    lines.add("GET /forecast/asset?symbol=%%%&horizon_minutes=10080 HTTP/1.1");
    lines.add("GET /forecast/asset?symbol=%G1&horizon_minutes=10080 HTTP/1.1");
    lines.add("GET /forecast/asset?symbol=BTC-USD&horizon_minutes=10080&as_of=%C0%AF HTTP/1.1");
    lines.add("GET /../../etc/passwd HTTP/1.1");
    lines.add("GET /forecast/asset?symbol=BTC\u00e9&horizon_minutes=1 HTTP/1.1");
    lines.add("GET /forecast/asset?=&&&=x HTTP/1.1");
    lines.add(
        "GET /forecast/asset?symbol=BTC-USD&horizon_minutes=10080&as_of=2025-12-12%00 HTTP/1.1");
    lines.add("BREW /forecasts HTTP/1.1");
    lines.add("GET /forecasts?" + "as_of=2025-12-12&".repeat(400) + " HTTP/1.1");
    for (String line : lines) {
      int status = reader.raw(line);
      assertTrue(status >= 400 && status < 500, line + " -> " + status);
    }
  }

  private static JsonNode notFound(String path) {
    TestServer.Reply reply = reader.get(path);
    assertEquals(404, reply.status(), path + " -> " + reply.body());
    return reply.json();
  }

  private static String available(JsonNode body, String field) {
    return body.get("available").get(field).toString();
  }

  /** A reader over the same warehouse configured with another default lookback. */
  private record TestServerWithDefaultLookback(Path warehouse, int lookback) {
    TestServer start() {
      return TestServer.of(
          ReaderServer.start(
              new ReaderConfig(
                  warehouse.toString(), "127.0.0.1", 0, Duration.ofSeconds(30), 2, lookback)));
    }
  }
}
