package dev.forecaster.reader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** HTTP/1.1 over a raw socket, as a test client that controls every byte needs it. */
final class RawHttp {
  private RawHttp() {}

  /** One response read off a socket: status, headers (lower-case), body. */
  record Answer(int status, List<String> headers, String body) {
    boolean has(String header) {
      return headers.contains(header.toLowerCase());
    }

    String header(String name) {
      String prefix = name.toLowerCase() + ": ";
      return headers.stream()
          .filter(h -> h.startsWith(prefix))
          .map(h -> h.substring(prefix.length()))
          .findFirst()
          .orElse(null);
    }
  }

  static Socket socket(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    return s;
  }

  static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** Reads one response; {@code withBody} false for the answer to a HEAD request. */
  static Answer read(InputStream in, boolean withBody) throws IOException {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed before the head ended: " + lines);
      }
      if (c == '\n') {
        String l = line.toString().replace("\r", "");
        if (l.isEmpty()) {
          break;
        }
        lines.add(l);
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
    int status = Integer.parseInt(lines.get(0).substring(9, 12));
    List<String> headers =
        lines.subList(1, lines.size()).stream().map(String::toLowerCase).toList();
    Answer head = new Answer(status, headers, "");
    int length = Integer.parseInt(head.header("content-length"));
    if (!withBody) {
      return head;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    while (body.size() < length) {
      int n = in.read(chunk, 0, Math.min(chunk.length, length - body.size()));
      if (n < 0) {
        throw new IOException("closed in the body");
      }
      body.write(chunk, 0, n);
    }
    return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  static Answer read(InputStream in) throws IOException {
    return read(in, true);
  }

  /** True when the server closed the connection: end of stream or a reset, within the timeout. */
  static boolean closedByServer(Socket s) {
    try {
      return s.getInputStream().read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }
}
