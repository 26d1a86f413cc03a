package dev.forecaster.reader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/** A reader on a free port over a test warehouse, and a small HTTP client for it. */
final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  final ReaderServer server;

  private TestServer(ReaderServer server) {
    this.server = server;
  }

  static TestServer of(ReaderServer server) {
    return new TestServer(server);
  }

  static TestServer start(Path warehouse, Duration pollInterval) {
    return new TestServer(
        ReaderServer.start(
            new ReaderConfig(warehouse.toString(), "127.0.0.1", 0, pollInterval, 4, 60)));
  }

  /** A response: status, body text, Content-Type and Allow headers. */
  record Reply(int status, String body, String contentType, String allow) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  Reply get(String pathAndQuery) {
    return send("GET", pathAndQuery);
  }

  Reply send(String method, String pathAndQuery) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(
          r.statusCode(),
          r.body(),
          r.headers().firstValue("Content-Type").orElse(null),
          r.headers().firstValue("Allow").orElse(null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends a request line as given (no client-side checks) and returns the status code. */
  int raw(String requestLine) {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(status.substring(9, 12));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls {@code path} until the reply satisfies {@code done}, for at most {@code timeout}. */
  Reply await(String path, Predicate<Reply> done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Reply last = get(path);
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      last = get(path);
    }
    return last;
  }

  @Override
  public void close() {
    server.close();
  }
}
