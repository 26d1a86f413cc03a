package dev.forecaster.reader;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for a read-only GET API whose answers are ready in memory: a few event
 * loops (one per core), each reading requests, answering them on the spot and writing the answer,
 * with keep-alive and pipelining. No thread hand-offs and little allocation per request, which is
 * what keeps the tail latency low on two cores (the JDK's com.sun.net.httpserver hands every
 * request from its dispatcher thread to a pool and back).
 *
 * <p>It reads no request bodies: a request that has one is answered and its connection closed.
 * Limits: a request head (request line and headers) of at most {@value #MAX_HEAD} bytes (414 when
 * the request line alone is longer, else 431), an ASCII request target, connections idle for
 * {@value #IDLE_MILLIS} ms are closed.
 */
final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  static final int MAX_HEAD = 8192;
  static final long IDLE_MILLIS = 60_000;
  private static final byte[] ALLOW = "Allow: GET\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final Map<String, byte[]> STARTS = new ConcurrentHashMap<>();
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);

  /** Answers one parsed request. */
  interface Handler {
    HttpResponse handle(String method, String rawPath, String rawQuery);

    /** The answer to a request that could not be parsed. */
    HttpResponse malformed(int status, String message);
  }

  private final ServerSocketChannel server;
  private final List<Loop> loops = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean open = true;

  private HttpServer(ServerSocketChannel server) {
    this.server = server;
  }

  static HttpServer start(InetSocketAddress address, int loopCount, Handler handler)
      throws IOException {
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(address, 1024);
      channel.configureBlocking(false);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    HttpServer http = new HttpServer(channel);
    for (int i = 0; i < loopCount; i++) {
      http.loops.add(http.new Loop(handler));
    }
    channel.register(http.loops.get(0).selector, SelectionKey.OP_ACCEPT);
    for (int i = 0; i < loopCount; i++) {
      Thread t = new Thread(http.loops.get(i), "reader-http-" + (i + 1));
      t.setDaemon(true);
      http.threads.add(t);
      t.start();
    }
    return http;
  }

  InetSocketAddress address() {
    try {
      return (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    open = false;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Loop loop : loops) {
      loop.selector.wakeup();
    }
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One event loop: accepts (the first loop), reads, answers and writes its connections. */
  private final class Loop implements Runnable {
    private final Selector selector;
    private final Handler handler;
    private final Queue<SocketChannel> incoming = new ConcurrentLinkedQueue<>();
    private int next;
    private long lastSweep = System.currentTimeMillis();
    private long dateSecond;
    private byte[] dateHeader;

    Loop(Handler handler) throws IOException {
      this.selector = Selector.open();
      this.handler = handler;
    }

    @Override
    public void run() {
      try {
        while (open) {
          selector.select(1000);
          SocketChannel channel;
          while ((channel = incoming.poll()) != null) {
            register(channel);
          }
          Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
          while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            try {
              if (!key.isValid()) {
                continue;
              }
              if (key.isAcceptable()) {
                accept();
              } else {
                Connection c = (Connection) key.attachment();
                if (key.isWritable()) {
                  c.writable();
                }
                if (key.isValid() && key.isReadable()) {
                  c.read();
                }
              }
            } catch (IOException | RuntimeException e) {
              if (key.attachment() instanceof Connection c) {
                c.close();
              }
              if (e instanceof RuntimeException) {
                LOG.warn("dropped a connection after an unexpected failure", e);
              }
            }
          }
          sweepIdle();
        }
      } catch (IOException | ClosedSelectorException e) {
        if (open) {
          LOG.error("HTTP event loop stopped", e);
        }
      } finally {
        for (SelectionKey key : selector.keys()) {
          if (key.attachment() instanceof Connection c) {
            c.close();
          }
        }
        try {
          selector.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }

    private void accept() throws IOException {
      SocketChannel channel;
      while ((channel = server.accept()) != null) {
        Loop target = loops.get(next++ % loops.size());
        if (target == this) {
          register(channel);
        } else {
          target.incoming.add(channel);
          target.selector.wakeup();
        }
      }
    }

    private void register(SocketChannel channel) throws IOException {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Connection c = new Connection(channel, this);
      c.key = channel.register(selector, SelectionKey.OP_READ, c);
    }

    private void sweepIdle() {
      long now = System.currentTimeMillis();
      if (now - lastSweep < 1000) {
        return;
      }
      lastSweep = now;
      for (SelectionKey key : selector.keys()) {
        if (key.attachment() instanceof Connection c && now - c.lastActive > IDLE_MILLIS) {
          c.close();
        }
      }
    }

    /** {@code Date: ...\r\n}, formatted once a second. */
    byte[] dateHeader() {
      long second = System.currentTimeMillis() / 1000;
      if (second != dateSecond || dateHeader == null) {
        dateSecond = second;
        dateHeader =
            ("Date: " + HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
      }
      return dateHeader;
    }
  }

  /** One client connection: its unparsed input and the answer still being written. */
  private static final class Connection {
    private final SocketChannel channel;
    private final Loop loop;
    private final ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);

    /** Holds each answer that fits, so most answers allocate nothing to be written. */
    private final byte[] reusable = new byte[16 * 1024];

    private SelectionKey key;
    private ByteBuffer out;
    private boolean closeAfterWrite;
    private long lastActive = System.currentTimeMillis();

    Connection(SocketChannel channel, Loop loop) {
      this.channel = channel;
      this.loop = loop;
    }

    void read() throws IOException {
      int n = channel.read(in);
      if (n < 0) {
        close();
        return;
      }
      lastActive = System.currentTimeMillis();
      answerBuffered();
    }

    /** Answers every complete request in the buffer (pipelining), one write at a time. */
    private void answerBuffered() throws IOException {
      while (out == null && channel.isOpen()) {
        int end = headEnd();
        if (end < 0) {
          if (!in.hasRemaining()) {
            boolean lineComplete = indexOf((byte) '\n', 0, in.position()) >= 0;
            answer(
                lineComplete
                    ? loop.handler.malformed(
                        431, "request headers larger than " + MAX_HEAD + " bytes")
                    : loop.handler.malformed(
                        414, "request line longer than " + MAX_HEAD + " bytes"),
                true);
          }
          return;
        }
        Request request = Request.parse(in.array(), end);
        in.limit(in.position()).position(end);
        in.compact();
        if (request.error != null) {
          answer(loop.handler.malformed(400, request.error), true);
        } else {
          HttpResponse response = loop.handler.handle(request.method, request.path, request.query);
          answer(response, request.close || request.hasBody);
        }
      }
    }

    /** Index just past the blank line ending the request head, or -1. */
    private int headEnd() {
      byte[] b = in.array();
      int limit = in.position();
      for (int i = 0; i < limit; i++) {
        if (b[i] == '\n') {
          if (i + 1 < limit && b[i + 1] == '\n') {
            return i + 2;
          }
          if (i + 2 < limit && b[i + 1] == '\r' && b[i + 2] == '\n') {
            return i + 3;
          }
        }
      }
      return -1;
    }

    private int indexOf(byte value, int from, int to) {
      byte[] b = in.array();
      for (int i = from; i < to; i++) {
        if (b[i] == value) {
          return i;
        }
      }
      return -1;
    }

    private void answer(HttpResponse response, boolean close) throws IOException {
      byte[] start = statusAndType(response);
      byte[] length = Integer.toString(response.bodyLength()).getBytes(StandardCharsets.US_ASCII);
      byte[] date = loop.dateHeader();
      int size =
          start.length
              + length.length
              + 2
              + (response.status == 405 ? ALLOW.length : 0)
              + (close ? CLOSE.length : 0)
              + date.length
              + 2
              + response.bodyLength();
      byte[] bytes = size <= reusable.length ? reusable : new byte[size];
      int at = put(start, bytes, 0);
      at = put(length, bytes, at);
      bytes[at++] = '\r';
      bytes[at++] = '\n';
      if (response.status == 405) {
        at = put(ALLOW, bytes, at);
      }
      if (close) {
        at = put(CLOSE, bytes, at);
      }
      at = put(date, bytes, at);
      bytes[at++] = '\r';
      bytes[at++] = '\n';
      response.copyBody(bytes, at);
      out = ByteBuffer.wrap(bytes, 0, size);
      closeAfterWrite = close;
      flush();
    }

    private static int put(byte[] source, byte[] target, int at) {
      System.arraycopy(source, 0, target, at, source.length);
      return at + source.length;
    }

    /** The socket can take more of the answer: write it, then answer what was pipelined. */
    void writable() throws IOException {
      flush();
      if (out == null && channel.isOpen()) {
        answerBuffered();
      }
    }

    private void flush() throws IOException {
      if (out == null) {
        return;
      }
      channel.write(out);
      lastActive = System.currentTimeMillis();
      if (out.hasRemaining()) {
        key.interestOps(SelectionKey.OP_WRITE);
        return;
      }
      out = null;
      if (closeAfterWrite) {
        close();
        return;
      }
      key.interestOps(SelectionKey.OP_READ);
    }

    void close() {
      if (key != null) {
        key.cancel();
      }
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** A parsed request head: method, raw path and query, and what it says about the connection. */
  private static final class Request {
    String method;
    String path;
    String query;
    boolean close;
    boolean hasBody;
    String error;

    static Request parse(byte[] b, int end) {
      Request r = new Request();
      int lineEnd = 0;
      while (b[lineEnd] != '\n') {
        lineEnd++;
      }
      int stop = lineEnd > 0 && b[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
      int space1 = indexOf(b, (byte) ' ', 0, stop);
      int space2 = space1 < 0 ? -1 : indexOf(b, (byte) ' ', space1 + 1, stop);
      if (space1 <= 0 || space2 < 0 || indexOf(b, (byte) ' ', space2 + 1, stop) >= 0) {
        r.error = "malformed request line; expected e.g. GET /health HTTP/1.1";
        return r;
      }
      for (int i = 0; i < space1; i++) {
        if (b[i] < 'A' || b[i] > 'Z') {
          r.error = "malformed request line: the method must be upper-case letters, e.g. GET";
          return r;
        }
      }
      if (b[space1 + 1] != '/') {
        r.error = "malformed request line: the target must be a path, e.g. /health";
        return r;
      }
      int question = -1;
      for (int i = space1 + 1; i < space2; i++) {
        if (b[i] <= ' ' || b[i] >= 0x7f) {
          r.error = "the request target has a character that must be percent-encoded";
          return r;
        }
        if (b[i] == '?' && question < 0) {
          question = i;
        }
      }
      String version = new String(b, space2 + 1, stop - space2 - 1, StandardCharsets.US_ASCII);
      boolean http10 = version.equals("HTTP/1.0");
      if (!http10 && !version.equals("HTTP/1.1")) {
        r.error = "unsupported protocol '" + ApiError.echo(version) + "'; use HTTP/1.1";
        return r;
      }
      r.method =
          space1 == 3 && b[0] == 'G' && b[1] == 'E' && b[2] == 'T'
              ? "GET"
              : new String(b, 0, space1, StandardCharsets.US_ASCII);
      int pathEnd = question < 0 ? space2 : question;
      r.path = new String(b, space1 + 1, pathEnd - space1 - 1, StandardCharsets.US_ASCII);
      r.query =
          question < 0
              ? null
              : new String(b, question + 1, space2 - question - 1, StandardCharsets.US_ASCII);
      boolean keepAlive = false;
      int start = lineEnd + 1;
      while (start < end) {
        int next = start;
        while (next < end && b[next] != '\n') {
          next++;
        }
        int colon = indexOf(b, (byte) ':', start, next);
        if (colon > start) {
          if (named(b, start, colon, "connection")) {
            String value = value(b, colon + 1, next);
            r.close |= value.contains("close");
            keepAlive |= value.contains("keep-alive");
          } else if (named(b, start, colon, "content-length")) {
            r.hasBody |= !value(b, colon + 1, next).equals("0");
          } else if (named(b, start, colon, "transfer-encoding")) {
            r.hasBody = true;
          }
        }
        start = next + 1;
      }
      r.close |= http10 && !keepAlive;
      return r;
    }

    private static int indexOf(byte[] b, byte value, int from, int to) {
      for (int i = from; i < to; i++) {
        if (b[i] == value) {
          return i;
        }
      }
      return -1;
    }

    /** Whether the header name in b[from, to) is {@code name} (lower case), ignoring case. */
    private static boolean named(byte[] b, int from, int to, String name) {
      if (to - from != name.length()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        int c = b[from + i];
        if (c >= 'A' && c <= 'Z') {
          c += 'a' - 'A';
        }
        if (c != name.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    private static String value(byte[] b, int from, int to) {
      return new String(b, from, to - from, StandardCharsets.ISO_8859_1)
          .trim()
          .toLowerCase(Locale.ROOT);
    }
  }

  /** {@code HTTP/1.1 200 OK\r\nContent-Type: ...\r\nContent-Length: }, made once per kind. */
  private static byte[] statusAndType(HttpResponse response) {
    return STARTS.computeIfAbsent(
        response.status + response.contentType,
        k ->
            ("HTTP/1.1 "
                    + response.status
                    + " "
                    + reason(response.status)
                    + "\r\nContent-Type: "
                    + response.contentType
                    + "\r\nContent-Length: ")
                .getBytes(StandardCharsets.US_ASCII));
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 414 -> "URI Too Long";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }
}
