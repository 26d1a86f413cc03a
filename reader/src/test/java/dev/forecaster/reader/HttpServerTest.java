package dev.forecaster.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.reader.RawHttp.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP layer on its own, over raw sockets: keep-alive, pipelining, partial input, limits. */
class HttpServerTest {
  private static final byte[] BIG = new byte[16 * 1024 * 1024];
  static HttpServer server;

  static final HttpServer.Events NO_EVENTS =
      new HttpServer.Events() {
        @Override
        public void opened() {}

        @Override
        public void closed() {}

        @Override
        public void refused() {}

        @Override
        public void headTimedOut() {}
      };

  @BeforeAll
  static void start() throws IOException {
    Arrays.fill(BIG, (byte) 'x');
    server =
        HttpServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            2,
            HttpLimits.DEFAULTS,
            new HttpServer.Handler() {
              @Override
              public HttpResponse handle(String method, String rawPath, String rawQuery) {
                if (rawPath.equals("/boom")) {
                  throw new AssertionError("injected: an Error from a handler");
                }
                if (rawPath.equals("/big")) {
                  return HttpResponse.of(200, "text/plain", BIG);
                }
                String body = method + " " + rawPath + " " + rawQuery;
                return HttpResponse.of(
                    method.equals("GET") ? 200 : 405,
                    "text/plain",
                    body.getBytes(StandardCharsets.UTF_8));
              }

              @Override
              public HttpResponse malformed(int status, String message) {
                return HttpResponse.of(
                    status, "text/plain", message.getBytes(StandardCharsets.UTF_8));
              }
            },
            NO_EVENTS);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void keepsTheConnectionForManyRequests() throws IOException {
    try (Socket s = socket()) {
      for (int i = 0; i < 50; i++) {
        send(s, "GET /a?i=" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
        Answer a = read(s.getInputStream());
        assertEquals(200, a.status());
        assertEquals("GET /a i=" + i, a.body());
        assertTrue(
            a.headers().stream().anyMatch(h -> h.startsWith("date: ")), a.headers().toString());
      }
    }
  }

  @Test
  void answersPipelinedRequestsInOrder() throws IOException {
    try (Socket s = socket()) {
      StringBuilder requests = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        requests.append("GET /p?n=").append(i).append(" HTTP/1.1\r\n\r\n");
      }
      send(s, requests.toString());
      for (int i = 0; i < 20; i++) {
        assertEquals("GET /p n=" + i, read(s.getInputStream()).body());
      }
    }
  }

  @Test
  void waitsForARequestSentByteByByte() throws Exception {
    try (Socket s = socket()) {
      OutputStream out = s.getOutputStream();
      for (byte b :
          "GET /slow?x=1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
        out.write(b);
        out.flush();
        Thread.sleep(1);
      }
      assertEquals("GET /slow x=1", read(s.getInputStream()).body());
    }
  }

  @Test
  void closesWhenAskedAndForHttp10() throws IOException {
    for (String request :
        List.of("GET /c HTTP/1.1\r\nConnection: close\r\n\r\n", "GET /c HTTP/1.0\r\n\r\n")) {
      try (Socket s = socket()) {
        send(s, request);
        Answer a = read(s.getInputStream());
        assertEquals(200, a.status());
        assertTrue(a.has("connection: close"));
        assertEquals(-1, s.getInputStream().read(), "closed after the answer");
      }
    }
    try (Socket s = socket()) {
      send(
          s,
          "GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /k2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      Answer first = read(s.getInputStream());
      assertEquals("GET /k null", first.body());
      assertTrue(first.has("connection: keep-alive"), "HTTP/1.0 kept open only when answered so");
      assertEquals("GET /k2 null", read(s.getInputStream()).body());
    }
  }

  @Test
  void aRequestWithABodyIsAnsweredAndItsConnectionClosed() throws IOException {
    try (Socket s = socket()) {
      send(s, "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
      Answer a = read(s.getInputStream());
      assertEquals(405, a.status());
      assertTrue(a.has("allow: get, head"));
      assertTrue(a.has("connection: close"));
      assertEquals(-1, s.getInputStream().read());
    }
  }

  @Test
  void malformedOrOversizedRequestsAre4xxAndClosed() throws IOException {
    List<String> heads = new ArrayList<>();
    List<Integer> statuses = new ArrayList<>();
    heads.add("GET /x HTTP/2.0\r\n\r\n");
    statuses.add(400);
    heads.add("get /x HTTP/1.1\r\n\r\n");
    statuses.add(400);
    heads.add("GET x HTTP/1.1\r\n\r\n");
    statuses.add(400);
    heads.add("GET /x?a=\u00e9 HTTP/1.1\r\n\r\n");
    statuses.add(400);
    heads.add("GET /x?a=\u0001 HTTP/1.1\r\n\r\n");
    statuses.add(400);
    heads.add("GET /x HTTP/1.1 extra\r\n\r\n");
    statuses.add(400);
    heads.add("GET /" + "a".repeat(HttpLimits.DEFAULTS.maxRequestLine()) + " HTTP/1.1\r\n\r\n");
    statuses.add(414);
    heads.add("GET /x HTTP/1.1\r\n" + "X-Filler: y\r\n".repeat(1000) + "\r\n");
    statuses.add(431);
    for (int i = 0; i < heads.size(); i++) {
      try (Socket s = socket()) {
        s.getOutputStream().write(heads.get(i).getBytes(StandardCharsets.ISO_8859_1));
        Answer a = read(s.getInputStream());
        assertEquals(statuses.get(i), a.status(), heads.get(i).substring(0, 12));
        assertTrue(a.has("connection: close"));
      }
    }
  }

  @Test
  void writesALargeAnswerToASlowReader() throws Exception {
    try (Socket s = socket()) {
      send(s, "GET /big HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n");
      Thread.sleep(200); // the server fills the socket and waits for it to drain
      Answer big = read(s.getInputStream());
      assertEquals(BIG.length, big.body().length());
      assertEquals("GET /after null", read(s.getInputStream()).body());
    }
  }

  @Test
  void anErrorInAHandlerClosesOnlyItsConnection() throws IOException {
    try (Socket s = socket()) {
      send(s, "GET /boom HTTP/1.1\r\n\r\n");
      assertEquals(-1, s.getInputStream().read(), "closed without an answer");
    }
    try (Socket s = socket()) {
      send(s, "GET /after-boom HTTP/1.1\r\n\r\n");
      assertEquals("GET /after-boom null", read(s.getInputStream()).body());
    }
  }

  @Test
  void anEventLoopThatStopsIsReportedAsAFailure() throws Exception {
    try (HttpServer other =
        HttpServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            1,
            HttpLimits.DEFAULTS,
            new HttpServer.Handler() {
              @Override
              public HttpResponse handle(String method, String rawPath, String rawQuery) {
                return HttpResponse.of(200, "text/plain", new byte[0]);
              }

              @Override
              public HttpResponse malformed(int status, String message) {
                return HttpResponse.of(status, "text/plain", new byte[0]);
              }
            },
            NO_EVENTS)) {
      assertFalse(other.failure().isDone());
      other.loops().next().shutdownGracefully(0, 0, TimeUnit.SECONDS);
      assertTrue(other.failure().get(10, TimeUnit.SECONDS) != null);
    }
  }

  private static Socket socket() throws IOException {
    return RawHttp.socket(server.address().getPort());
  }

  private static void send(Socket s, String text) throws IOException {
    RawHttp.send(s, text);
  }

  private static Answer read(InputStream in) throws IOException {
    return RawHttp.read(in);
  }
}
