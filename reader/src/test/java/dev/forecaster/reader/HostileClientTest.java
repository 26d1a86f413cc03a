package dev.forecaster.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.reader.RawHttp.Answer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader against hostile clients on loopback (issue 13): each case that once took the
 * hand-written server down or out of step, with the bytes that did it. Limits are scaled down (cap
 * of {@value #CAP} connections, 1 s head deadline, 2 s idle timeout) so the suite stays fast; every
 * loop is bounded in count and time.
 */
class HostileClientTest {
  static final int CAP = 100;
  static final Duration HEAD_TIMEOUT = Duration.ofSeconds(1);
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  private static final String ASSET = "/forecast/asset?symbol=BTC-USD&horizon_minutes=10080";

  @TempDir static Path warehouse;

  /** The timeouts under test: 1 s head deadline, 2 s idle. */
  static TestServer reader;

  /** Default timeouts, so that flooding connections stay open while a test looks at them. */
  static TestServer flooded;

  static int port;

  @BeforeAll
  static void start() {
    Golden.copyAll(warehouse);
    ReaderConfig config =
        new ReaderConfig(warehouse.toString(), "127.0.0.1", 0, Duration.ofSeconds(30), 2, 60);
    HttpLimits capped = HttpLimits.DEFAULTS.withMaxConnections(CAP);
    reader =
        TestServer.of(
            ReaderServer.start(config.withLimits(capped.withTimeouts(HEAD_TIMEOUT, IDLE_TIMEOUT))));
    port = reader.server.port();
    flooded = TestServer.of(ReaderServer.start(config.withLimits(capped)));
  }

  @AfterAll
  static void stop() {
    reader.close();
    flooded.close();
  }

  @Test
  void aFloodOfIdleConnectionsPastTheCapIsRefusedAndTheReaderAnswersRightAfter() throws Exception {
    double refusedBefore = metric(flooded, "forecaster_reader_refused_connections_total");
    int flood = CAP + 400;
    List<SocketChannel> held = new ArrayList<>();
    try {
      for (int i = 0; i < flood; i++) {
        held.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", flooded.server.port())));
      }
      for (SocketChannel c : held) {
        c.configureBlocking(false);
      }
      // Beyond the cap, connections are closed as soon as they are accepted.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      int closed = 0;
      while (System.nanoTime() < deadline) {
        closed = 0;
        for (SocketChannel c : held) {
          closed += closedByServer(c) ? 1 : 0;
        }
        if (closed >= flood - CAP) {
          break;
        }
        Thread.sleep(50);
      }
      assertTrue(
          closed >= flood - CAP, closed + " of " + flood + " closed; expected all past the cap");
    } finally {
      for (SocketChannel c : held) {
        c.close();
      }
    }
    // Once the flood is gone, a normal request is answered within a second.
    long start = System.nanoTime();
    Answer health = null;
    while (health == null && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1)) {
      try (Socket s = RawHttp.socket(flooded.server.port())) {
        s.setSoTimeout(1000);
        RawHttp.send(s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        health = RawHttp.read(s.getInputStream());
      } catch (IOException refusedStill) {
        Thread.sleep(20);
      }
    }
    assertTrue(health != null, "no answer within 1 s after the flood");
    assertEquals(200, health.status());
    assertTrue(
        metric(flooded, "forecaster_reader_refused_connections_total") - refusedBefore
            >= flood - CAP);
  }

  @Test
  void whileAFloodBelowTheCapIsHeldANormalClientIsServed() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < CAP / 2; i++) {
        held.add(new Socket("127.0.0.1", flooded.server.port()));
      }
      assertTrue(metric(flooded, "forecaster_reader_open_connections") >= CAP / 2);
      try (Socket s = RawHttp.socket(flooded.server.port())) {
        for (int i = 0; i < 50; i++) {
          RawHttp.send(s, "GET " + ASSET + " HTTP/1.1\r\nHost: x\r\n\r\n");
          assertEquals(200, RawHttp.read(s.getInputStream()).status());
        }
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aHeadTrickledAByteAtATimeIsClosedAtTheHeadDeadline() throws Exception {
    double before = metric("forecaster_reader_head_timeouts_total");
    try (Socket s = RawHttp.socket(port)) {
      s.setSoTimeout(100);
      OutputStream out = s.getOutputStream();
      out.write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      boolean closed = false;
      // One header byte every 100 ms: the old server restarted its idle timer on each.
      for (int i = 0; i < 60 && !closed; i++) {
        try {
          out.write('X');
          out.flush();
        } catch (SocketException e) {
          closed = true;
          break;
        }
        closed = RawHttp.closedByServer(s);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(closed, "a trickled head was not closed within 6 s");
      assertTrue(seconds >= 0.8 && seconds < 4, "closed after " + seconds + " s");
    }
    assertTrue(metric("forecaster_reader_head_timeouts_total") >= before + 1);
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheHeadDeadline() throws Exception {
    try (Socket s = RawHttp.socket(port)) {
      s.setSoTimeout(5000);
      long start = System.nanoTime();
      assertTrue(RawHttp.closedByServer(s));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(seconds >= 0.8 && seconds < 4, "closed after " + seconds + " s");
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (Socket s = RawHttp.socket(port)) {
      RawHttp.send(s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, RawHttp.read(s.getInputStream()).status());
      long start = System.nanoTime();
      s.setSoTimeout(6000);
      assertTrue(RawHttp.closedByServer(s));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(seconds >= 1.5 && seconds < 5, "closed after " + seconds + " s");
    }
  }

  @Test
  void badHeaderSyntaxIs400AndNothingAfterItIsAnswered() throws IOException {
    // header lines -> why they are refused (RFC 9112 section 5)
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("Content-Length : 35\r\n", "whitespace before the colon (CVE-2019-16869 class)");
    cases.put("Content-Length\t: 35\r\n", "a tab before the colon");
    cases.put("X-A: b\u0000c\r\n", "NUL in a value");
    cases.put("X-A: b\u0001c\r\n", "a control byte in a value");
    cases.put("X-A: b\r\n  folded\r\n", "obs-fold");
    cases.put("X-A: b\rc\r\n", "a bare CR");
    cases.put("X\u0000A: b\r\n", "NUL in a name");
    cases.put("X A: b\r\n", "a space in a name");
    cases.put(": b\r\n", "an empty name");
    cases.put("X-A b\r\n", "no colon");
    // The smuggled request after the head must never be answered.
    String smuggled = "GET /forecasts HTTP/1.1\r\nHost: x\r\n\r\n";
    cases.forEach(
        (header, why) -> {
          String request = "GET /health HTTP/1.1\r\nHost: x\r\n" + header + "\r\n" + smuggled;
          List<Integer> statuses = exchange(request);
          assertEquals(List.of(400), statuses, why + ": " + printable(header));
        });
    // A fold in the second of two pipelined requests; a body is not scanned for folds.
    assertEquals(
        List.of(200, 400),
        exchange(
            "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nX-A: b\r\n c\r\n\r\n"));
    assertEquals(
        List.of(200),
        exchange("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\n\r\n abc"));
  }

  @Test
  void headIsAnsweredAsGetWithoutItsBodySoTheNextAnswerStaysInStep() throws IOException {
    try (Socket s = RawHttp.socket(port)) {
      RawHttp.send(
          s,
          "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"
              + "HEAD /nope HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET "
              + ASSET
              + " HTTP/1.1\r\nHost: x\r\n\r\n");
      InputStream in = s.getInputStream();
      Answer head = RawHttp.read(in, false);
      assertEquals(200, head.status());
      assertTrue(Integer.parseInt(head.header("content-length")) > 0);
      Answer missing = RawHttp.read(in, false);
      assertEquals(404, missing.status());
      Answer get = RawHttp.read(in);
      assertEquals(200, get.status());
      assertTrue(get.body().startsWith("{\"symbol\":\"BTC-USD\""), get.body());
    }
  }

  @Test
  void http10IsClosedUnlessKeepAliveIsAnswered() throws IOException {
    try (Socket s = RawHttp.socket(port)) {
      RawHttp.send(s, "GET /health HTTP/1.0\r\n\r\n");
      Answer a = RawHttp.read(s.getInputStream());
      assertEquals(200, a.status());
      assertEquals("close", a.header("connection"));
      assertTrue(RawHttp.closedByServer(s));
    }
    try (Socket s = RawHttp.socket(port)) {
      RawHttp.send(s, "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      Answer a = RawHttp.read(s.getInputStream());
      assertEquals("keep-alive", a.header("connection"));
      RawHttp.send(s, "GET /health HTTP/1.0\r\n\r\n");
      assertEquals(200, RawHttp.read(s.getInputStream()).status());
      assertTrue(RawHttp.closedByServer(s));
    }
  }

  @Test
  void numericParametersTakeAsciiDigitsOnly() {
    // %EF%BC%91%EF%BC%90%EF%BC%90%EF%BC%98%EF%BC%90 is "１００８０", full-width 10080.
    String fullWidth = "%EF%BC%91%EF%BC%90%EF%BC%90%EF%BC%98%EF%BC%90";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("symbol=BTC-USD&horizon_minutes=" + fullWidth, "'horizon_minutes'");
    cases.put(
        "symbol=BTC-USD&horizon_minutes=10080&lookback_days=%EF%BC%96%EF%BC%90", "'lookback_days'");
    cases.put("symbol=BTC-USD&horizon_minutes=%D9%A1%D9%A0%D9%A0%D9%A8%D9%A0", "'horizon_minutes'");
    cases.put("symbol=BTC-USD&horizon_minutes=10080&as_of=%EF%BC%92025-12-12", "'as_of'");
    cases.forEach(
        (query, parameter) -> {
          TestServer.Reply reply = reader.get("/forecast/asset?" + query);
          assertEquals(400, reply.status(), query);
          assertTrue(reply.json().get("error").asText().contains(parameter), reply.body());
        });
  }

  @Test
  void malformedRequestLinesAre400AndClosed() {
    List<String> lines =
        List.of(
            "GET",
            "GET /health",
            "GET /health HTTP/1.1 extra",
            "/health HTTP/1.1",
            "GET health HTTP/1.1",
            "get /health HTTP/1.1",
            "GET /health HTTP/2.0",
            "GET /health HTTX/1.1",
            "GET /health HTTP/1.1\u0000",
            "G\u0000T /health HTTP/1.1",
            "GET /hea\u0000lth HTTP/1.1",
            "GET /health?x=\u00e9 HTTP/1.1",
            "GET http://evil/health HTTP/1.1",
            "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003");
    for (String line : lines) {
      List<Integer> statuses = exchange(line + "\r\nHost: x\r\n\r\n");
      assertEquals(1, statuses.size(), printable(line) + " -> " + statuses);
      int status = statuses.get(0);
      assertTrue(status >= 400 && status < 500, printable(line) + " -> " + status);
    }
  }

  @Test
  void badPercentEncodingIs400() {
    for (String query :
        List.of(
            "symbol=%&horizon_minutes=10080",
            "symbol=%G1&horizon_minutes=10080",
            "symbol=BTC%2&horizon_minutes=10080",
            "symbol=%FF%FE&horizon_minutes=10080",
            "symbol=BTC-USD&horizon_minutes=10080&as_of=%C0%AF",
            "symbol=BTC-USD&horizon_minutes=10080&as_of=%ED%A0%80",
            "sym%ZZbol=BTC-USD&horizon_minutes=10080")) {
      assertEquals(
          List.of(400), exchange("GET /forecast/asset?" + query + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
  }

  @Test
  void aOneMegabyteUrlIs414() throws Exception {
    String url = "/forecast/asset?symbol=" + "A".repeat(1 << 20);
    assertEquals(List.of(414), exchangeLarge("GET " + url + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertEquals(200, reader.get("/health").status());
  }

  @Test
  void tenThousandHeadersAre431() throws Exception {
    StringBuilder request = new StringBuilder("GET /health HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 10_000; i++) {
      request.append("X-H").append(i).append(": v\r\n");
    }
    request.append("\r\n");
    assertEquals(List.of(431), exchangeLarge(request.toString()));
    assertEquals(200, reader.get("/health").status());
  }

  @Test
  void contentLengthWithTransferEncodingOrTwiceSmugglesNothing() {
    String smuggled = "GET /forecasts HTTP/1.1\r\nHost: x\r\n\r\n";
    // CL + TE: refused (RFC 9112 6.1 lets a server reject it), or answered and closed.
    List<Integer> clTe =
        exchange(
            "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked"
                + "\r\n\r\n0\r\n\r\n"
                + smuggled);
    assertEquals(1, clTe.size(), "one answer, then closed: " + clTe);
    List<Integer> teCl =
        exchange(
            "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40"
                + "\r\n\r\n0\r\n\r\n"
                + smuggled);
    assertEquals(1, teCl.size(), "one answer, then closed: " + teCl);
    List<Integer> doubleCl =
        exchange(
            "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: "
                + smuggled.length()
                + "\r\n\r\n"
                + smuggled);
    assertEquals(List.of(400), doubleCl);
    List<Integer> body =
        exchange("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 35\r\n\r\n" + smuggled);
    assertEquals(1, body.size(), "a body is not read as a request: " + body);
  }

  @Test
  void aThousandPipelinedRequestsInOneWriteAreAnsweredInOrder() throws IOException {
    StringBuilder requests = new StringBuilder();
    String[] symbols = {"BTC-USD", "ETH-USD", "XMR-USD"};
    for (int i = 0; i < 1000; i++) {
      requests
          .append("GET /forecast/asset?symbol=")
          .append(symbols[i % 3])
          .append("&horizon_minutes=10080&lookback_days=60 HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    try (Socket s = RawHttp.socket(port)) {
      RawHttp.send(s, requests.toString());
      InputStream in = new java.io.BufferedInputStream(s.getInputStream());
      for (int i = 0; i < 1000; i++) {
        Answer a = RawHttp.read(in);
        assertEquals(200, a.status(), "answer " + i);
        assertTrue(a.body().startsWith("{\"symbol\":\"" + symbols[i % 3] + "\""), "answer " + i);
      }
    }
  }

  @Test
  void aClientThatNeverReadsIsHeldToOneReadAndClosedWhileOthersAreServed() throws Exception {
    byte[] request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] many = new byte[request.length * 1000];
    for (int i = 0; i < 1000; i++) {
      System.arraycopy(request, 0, many, i * request.length, request.length);
    }
    try (SocketChannel hog = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
      hog.configureBlocking(false);
      long sent = 0;
      boolean closed = false;
      long start = System.nanoTime();
      // Write for at most 8 s (bounded to 200 MB); never read.
      for (int round = 0;
          System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8) && sent < 200L << 20;
          round++) {
        try {
          int n = hog.write(ByteBuffer.wrap(many));
          sent += n;
          if (n == 0) {
            Thread.sleep(20);
          }
        } catch (IOException e) {
          closed = true;
          break;
        }
        if (round % 50 == 0) {
          assertEquals(200, reader.get("/health").status(), "another client is served meanwhile");
        }
      }
      assertEquals(200, reader.get("/health").status());
      assertTrue(closed, "the server kept a client that never reads (" + sent + " bytes sent)");
      // The server stopped reading once its answers backed up: far less than sent was taken.
      assertTrue(sent < 50L << 20, sent + " bytes accepted from a client that never reads");
    }
  }

  @Test
  void acceptFailuresAreLoggedOnceAndBackedOffNotSpun(@TempDir Path dir) throws Exception {
    // A reader of its own with 200 open files at most: a flood makes its accept() fail with "Too
    // many open files" (the old server spun a core on it, silently, until the clients left).
    Path log = dir.resolve("reader.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process reader =
        new ProcessBuilder(
                "bash",
                "-c",
                "ulimit -n 200 && exec \"$0\" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp \"$1\" dev.forecaster.reader.ReaderMain"
                    + " --warehouse \"$2\" --port 0 --poll-interval 1h",
                java,
                System.getProperty("java.class.path"),
                warehouse.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    List<Socket> held = new ArrayList<>();
    try {
      int port = awaitPort(log, reader);
      // Every kind of request once first, so no class is left to load from a jar during the flood.
      try (Socket s = RawHttp.socket(port)) {
        for (String path : List.of("/health", "/metrics", ASSET, "/nope")) {
          RawHttp.send(s, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
          RawHttp.read(s.getInputStream());
        }
      }
      for (int i = 0; i < 400; i++) {
        held.add(new Socket("127.0.0.1", port)); // the kernel's backlog takes what accept() cannot
      }
      Thread.sleep(500);
      long before = cpuTicks(reader.pid());
      Thread.sleep(2000);
      double cpuSeconds = (cpuTicks(reader.pid()) - before) / 100.0;
      String text = Files.readString(log);
      assertTrue(text.contains("Too many open files"), text);
      assertEquals(1, text.split("accept\\(\\) failed", -1).length - 1, text);
      assertTrue(
          cpuSeconds < 0.6,
          "the reader used " + cpuSeconds + " s of CPU in 2 s while accept() failed");
      for (Socket s : held) {
        s.close();
      }
      held.clear();
      // Once the clients are gone, it answers again (the backoff is 1 s).
      Answer health = null;
      long start = System.nanoTime();
      while (health == null && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
        try (Socket s = RawHttp.socket(port)) {
          s.setSoTimeout(2000);
          RawHttp.send(s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
          health = RawHttp.read(s.getInputStream());
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      assertTrue(health != null && health.status() == 200, "no answer after the flood left");
      assertTrue(reader.isAlive());
    } finally {
      for (Socket s : held) {
        s.close();
      }
      reader.destroy();
      reader.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int awaitPort(Path log, Process reader) throws Exception {
    Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    long start = System.nanoTime();
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
      Matcher m = listening.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      assertTrue(reader.isAlive(), () -> "the reader stopped: " + readQuietly(log));
      Thread.sleep(50);
    }
    throw new AssertionError("the reader did not start within 60 s: " + readQuietly(log));
  }

  /** User and system CPU time of a process, in clock ticks (1/100 s on Linux). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static String readQuietly(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * Sends {@code request} on a new connection, shuts the sending side and returns the statuses of
   * every answer until the server closes (at most 5 s).
   */
  private static List<Integer> exchange(String request) {
    try (Socket s = RawHttp.socket(port)) {
      s.setSoTimeout(5000);
      RawHttp.send(s, request);
      s.shutdownOutput();
      byte[] all = s.getInputStream().readAllBytes();
      return statuses(new String(all, StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw new AssertionError(printable(request.substring(0, Math.min(60, request.length()))), e);
    }
  }

  /**
   * Sends a request too large to be read whole from a second thread while reading the answer: the
   * server may answer and close before the client has written everything.
   */
  private static List<Integer> exchangeLarge(String request) throws Exception {
    try (Socket s = RawHttp.socket(port)) {
      s.setSoTimeout(5000);
      Thread writer =
          new Thread(
              () -> {
                try {
                  RawHttp.send(s, request);
                } catch (IOException closedEarly) {
                  // expected: the server answered and closed mid-request
                }
              });
      writer.start();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] chunk = new byte[4096];
      try {
        for (int n; (n = s.getInputStream().read(chunk)) > 0; ) {
          got.write(chunk, 0, n);
        }
      } catch (SocketException reset) {
        // a reset after the answer (the server closed with the request unread) ends it too
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer within 5 s", e);
      }
      s.close();
      writer.join(5000);
      return statuses(got.toString(StandardCharsets.ISO_8859_1));
    }
  }

  /** The statuses of the responses in {@code text}, read one after another. */
  private static List<Integer> statuses(String text) {
    List<Integer> statuses = new ArrayList<>();
    InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    try {
      while (in.available() > 0) {
        statuses.add(RawHttp.read(in).status());
      }
    } catch (IOException e) {
      throw new AssertionError("not a sequence of HTTP responses: " + printable(text), e);
    }
    return statuses;
  }

  private static boolean closedByServer(SocketChannel c) {
    try {
      return c.read(ByteBuffer.allocate(16)) < 0;
    } catch (IOException reset) {
      return true;
    }
  }

  private static double metric(String name) {
    return metric(reader, name);
  }

  private static double metric(TestServer server, String name) {
    return ForecastApiTest.metric(server.get("/metrics").body(), name);
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c < 0x20 || c >= 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }
}
