package dev.forecaster.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer commits the golden versions one by one while clients query: every answer comes from one
 * whole version (its rows agree with its table_version), and versions never go backwards.
 */
class ConcurrentReloadTest {
  /** Latest as-of and row count of /forecasts at each version. */
  private static final Map<Integer, String> LATEST =
      Map.of(
          0, "2025-11-30T00:00:00Z",
          1, "2025-12-11T00:00:00Z",
          2, "2025-12-12T00:00:00Z",
          3, "2025-12-12T00:00:00Z");

  private static final Map<Integer, Integer> LATEST_COUNT = Map.of(0, 7, 1, 10, 2, 10, 3, 10);

  @Test
  void everyResponseComesFromOneVersion(@TempDir Path warehouse) throws Exception {
    Golden.copyDataFiles(warehouse);
    Golden.commit(warehouse, 0);
    List<String> problems = new CopyOnWriteArrayList<>();
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger answers = new AtomicInteger();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try (TestServer reader = TestServer.start(warehouse, Duration.ofMillis(20))) {
      List<Future<?>> running =
          List.of(
              clients.submit(() -> query(reader, "/forecasts", writing, problems, seen, answers)),
              clients.submit(
                  () ->
                      query(
                          reader, "/forecasts?as_of=2025-12-11", writing, problems, seen, answers)),
              clients.submit(
                  () ->
                      query(
                          reader,
                          "/forecast/asset?symbol=ETH-USD&horizon_minutes=1440&as_of=2025-12-11",
                          writing,
                          problems,
                          seen,
                          answers)),
              clients.submit(
                  () ->
                      query(
                          reader,
                          "/forecast/asset?symbol=BTC-USD&horizon_minutes=10080",
                          writing,
                          problems,
                          seen,
                          answers)));
      // Each version is committed once the clients have been answered from the one before, so
      // every version is observed however slowly a busy machine schedules the clients.
      for (int v = 1; v <= Golden.LATEST_VERSION; v++) {
        awaitSeen(seen, v - 1);
        Thread.sleep(100);
        Golden.commit(warehouse, v);
      }
      awaitSeen(seen, Golden.LATEST_VERSION);
      reader.await(
          "/health", r -> r.json().get("table_version").asInt() == 3, Duration.ofSeconds(10));
      Thread.sleep(200);
      writing.set(false);
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
    }
    assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())));
    assertEquals(Set.of(0, 1, 2, 3), seen, "versions observed");
    assertTrue(answers.get() > 100, "answers: " + answers.get());
  }

  private static void awaitSeen(Set<Integer> seen, int version) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!seen.contains(version)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no answer from table version " + version + " in 30 s: " + seen);
      }
      Thread.sleep(5);
    }
  }

  private static void query(
      TestServer reader,
      String path,
      AtomicBoolean writing,
      List<String> problems,
      Set<Integer> seen,
      AtomicInteger answers) {
    int last = -1;
    while (writing.get()) {
      TestServer.Reply reply = reader.get(path);
      answers.incrementAndGet();
      if (reply.status() == 404 && path.contains("2025-12-11") && last <= 0) {
        continue; // that night is committed in version 1
      }
      if (reply.status() != 200) {
        problems.add(path + " -> " + reply.status() + " " + reply.body());
        continue;
      }
      JsonNode body = reply.json();
      int version = body.get("table_version").asInt();
      seen.add(version);
      if (version < last) {
        problems.add(path + " went back from version " + last + " to " + version);
      }
      last = version;
      String problem = path.startsWith("/forecasts") ? checkList(path, body) : checkRow(path, body);
      if (problem != null) {
        problems.add(path + " at version " + version + ": " + problem);
      }
    }
  }

  private static String checkList(String path, JsonNode body) {
    int version = body.get("table_version").asInt();
    JsonNode rows = body.get("forecasts");
    if (rows.size() != body.get("count").asInt()) {
      return "count " + body.get("count") + " but " + rows.size() + " rows";
    }
    boolean night2 = path.contains("2025-12-11");
    String asOf = night2 ? "2025-12-11T00:00:00Z" : LATEST.get(version);
    if (!asOf.equals(body.get("as_of").asText())
        || (!night2 && rows.size() != LATEST_COUNT.get(version))) {
      return "as_of " + body.get("as_of") + " with " + rows.size() + " rows";
    }
    for (JsonNode row : rows) {
      if (row.get("table_version").asInt() != version) {
        return "a row of version "
            + row.get("table_version")
            + " in a version "
            + version
            + " answer";
      }
      if (!asOf.equals(row.get("as_of").asText())) {
        return "a row of " + row.get("as_of");
      }
      String run = row.get("run_id").asText();
      String expected =
          night2
              ? (version == 3 && row.get("horizon_minutes").asInt() == 1440
                  ? "golden-2025-12-11-rerun"
                  : "golden-2025-12-11")
              : "golden-" + asOf.substring(0, 10);
      if (!expected.equals(run)) {
        return "run " + run + ", expected " + expected;
      }
    }
    return null;
  }

  private static String checkRow(String path, JsonNode row) {
    int version = row.get("table_version").asInt();
    if (path.contains("ETH-USD")) {
      // Latest at or before 2025-12-11: night 2025-11-30 in version 0, then night 2025-12-11's,
      // re-scored in version 3.
      double expected = version == 0 ? -0.0023 : version == 3 ? 0.0009 : -0.0008;
      return row.get("expected_return").asDouble() == expected
          ? null
          : "expected_return " + row.get("expected_return") + ", expected " + expected;
    }
    String asOf = LATEST.get(version);
    return asOf.equals(row.get("as_of").asText()) ? null : "as_of " + row.get("as_of");
  }
}
