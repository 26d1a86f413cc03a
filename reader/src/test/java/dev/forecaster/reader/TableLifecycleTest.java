package dev.forecaster.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up without a table, the table appearing, an empty table, and a reload that fails. */
class TableLifecycleTest {
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ASSET = "/forecast/asset?symbol=BTC-USD&horizon_minutes=10080";

  @Test
  void startsWithoutATableAnswers503AndServesOnceItAppears(@TempDir Path tmp) throws Exception {
    Path warehouse = tmp.resolve("not-yet");
    try (TestServer reader = TestServer.start(warehouse, POLL)) {
      TestServer.Reply health = reader.get("/health");
      assertEquals(503, health.status());
      assertEquals("no table", health.json().get("status").asText());
      assertTrue(health.json().get("table_version").isNull());
      assertTrue(health.json().get("reason").asText().contains("no Delta table at"));

      for (String path : new String[] {ASSET, "/forecasts"}) {
        TestServer.Reply reply = reader.get(path);
        assertEquals(503, reply.status(), path);
        assertEquals("no table", reply.json().get("status").asText());
        assertTrue(reply.json().get("error").asText().contains(warehouse.toString()));
      }
      // Bad input is still a 400, and the metrics answer.
      assertEquals(400, reader.get("/forecast/asset?symbol=BTC-USD").status());
      TestServer.Reply metrics = reader.get("/metrics");
      assertEquals(200, metrics.status());
      assertEquals(-1, ForecastApiTest.metric(metrics.body(), "forecaster_reader_table_version"));
      assertEquals(0, ForecastApiTest.metric(metrics.body(), "forecaster_reader_serving"));

      Golden.copyAll(warehouse);
      // The copy commits versions 0 to 3 one after the other; the reader may serve each.
      TestServer.Reply served =
          reader.await(
              "/health",
              r -> r.status() == 200 && r.json().get("table_version").asInt() == 3,
              WAIT);
      assertEquals(200, served.status(), served.body());
      assertEquals(3, served.json().get("table_version").asInt());
      assertEquals(0.0235, reader.get(ASSET).json().get("expected_return").asDouble());
    }
  }

  @Test
  void anEmptyTableIs503UntilAVersionAddsRows(@TempDir Path warehouse) throws Exception {
    Golden.copyDataFiles(warehouse);
    Golden.commitEmptyVersion0(warehouse);
    try (TestServer reader = TestServer.start(warehouse, POLL)) {
      TestServer.Reply health = reader.get("/health");
      assertEquals(503, health.status());
      assertEquals("empty table", health.json().get("status").asText());
      assertEquals(0, health.json().get("table_version").asInt());
      assertEquals(503, reader.get(ASSET).status());

      Golden.commit(warehouse, 1); // night 2025-12-11
      TestServer.Reply served = reader.await("/health", r -> r.status() == 200, WAIT);
      assertEquals(1, served.json().get("table_version").asInt());
      assertEquals(10, served.json().get("rows").asInt());
      JsonNode row = reader.get(ASSET).json();
      assertEquals("2025-12-11T00:00:00Z", row.get("as_of").asText());
      assertEquals(0.0201, row.get("expected_return").asDouble());
    }
  }

  @Test
  void aFailedReloadKeepsServingThePreviousVersion(@TempDir Path warehouse) throws Exception {
    Golden.copyAll(warehouse);
    try (TestServer reader = TestServer.start(warehouse, POLL)) {
      assertEquals(200, reader.get("/health").status());
      // Version 4 names a data file that does not exist.
      Golden.writeCommit(
          warehouse,
          4,
          "{\"add\":{\"path\":\"as_of_month=2025-12/missing.parquet\",\"partitionValues\":"
              + "{\"as_of_month\":\"2025-12\"},\"size\":100,\"modificationTime\":1,"
              + "\"dataChange\":true}}\n");
      TestServer.Reply health =
          reader.await("/health", r -> !r.json().get("last_reload_error").isNull(), WAIT);
      assertEquals(200, health.status());
      assertEquals("ok", health.json().get("status").asText());
      assertEquals(3, health.json().get("table_version").asInt());
      assertFalse(health.json().get("last_reload_error").asText().isEmpty());

      TestServer.Reply row = reader.get(ASSET);
      assertEquals(200, row.status());
      assertEquals(3, row.json().get("table_version").asInt());
      assertTrue(
          ForecastApiTest.metric(
                  reader.get("/metrics").body(), "forecaster_reader_reload_failures_total")
              >= 1);

      // The table removed: still the last good version.
      deleteLog(warehouse);
      Thread.sleep(200);
      assertEquals(200, reader.get(ASSET).status());
      assertEquals(3, reader.get("/health").json().get("table_version").asInt());
    }
  }

  private static void deleteLog(Path warehouse) throws Exception {
    Path log = warehouse.resolve("forecasts/_delta_log");
    try (var files = Files.list(log)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(log);
  }
}
