package dev.forecaster.reader;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader's HTTP/1.1 server on Netty: Netty parses requests (RFC 9112 strict line parsing,
 * header validation, request line and header size limits) and writes responses; this class sets the
 * limits of {@link HttpLimits} and adds what Netty leaves to its users: a cap on open connections,
 * a deadline for a whole request head, an idle keep-alive timeout, reading paused while a client
 * does not read its answers, and a backoff when accept() fails.
 *
 * <p>Answers are computed on the event loop (they are in memory), so a request costs no thread
 * hand-off. Requests with a body are answered and their connection closed: the API reads no body.
 */
final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
  private static final AsciiString ALLOW = AsciiString.cached("GET, HEAD");
  private static final AsciiString JSON = AsciiString.cached(HttpResponse.JSON);
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);
  private static final long ACCEPT_BACKOFF_MILLIS = 1000;
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** Answers one parsed request. */
  interface Handler {
    HttpResponse handle(String method, String rawPath, String rawQuery);

    /** The answer to a request that could not be parsed. */
    HttpResponse malformed(int status, String message);
  }

  /** What the server reports about connections (metrics). */
  interface Events {
    void opened();

    void closed();

    void refused();

    void headTimedOut();
  }

  private final EventLoopGroup group;
  private final Channel server;
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  private volatile boolean closing;

  private HttpServer(EventLoopGroup group, Channel server) {
    this.group = group;
    this.server = server;
  }

  static HttpServer start(
      InetSocketAddress address, int loops, HttpLimits limits, Handler handler, Events events)
      throws IOException {
    EventLoopGroup group =
        new NioEventLoopGroup(loops, new DefaultThreadFactory("reader-http", true));
    AtomicInteger open = new AtomicInteger();
    AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    AtomicLong refusedSinceLog = new AtomicLong();
    HttpDecoderConfig decoding =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(limits.maxRequestLine())
            .setMaxHeaderSize(limits.maxHeaderBytes())
            .setStrictLineParsing(true)
            .setUseRfc9112TransferEncoding(true)
            .setAllowDuplicateContentLengths(false)
            .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(true));
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .handler(new AcceptFailures(open, limits))
            .childOption(ChannelOption.TCP_NODELAY, true)
            // Reads of at most 8 KB: what one read can make the server answer (pipelined
            // requests) stays small, and a request head is at most 16 KB anyway.
            .childOption(
                ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 1024, 8192))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (open.incrementAndGet() > limits.maxConnections()) {
                      open.decrementAndGet();
                      events.refused();
                      logRefusal(limits, lastRefusalLog, refusedSinceLog);
                      // A reset frees the socket at once (no FIN handshake, no TIME_WAIT).
                      ch.config().setOption(ChannelOption.SO_LINGER, 0);
                      ch.close();
                      return;
                    }
                    events.opened();
                    ch.closeFuture()
                        .addListener(
                            f -> {
                              open.decrementAndGet();
                              events.closed();
                            });
                    Deadlines deadlines = new Deadlines(limits, events);
                    FoldGuard folds = new FoldGuard();
                    ch.pipeline()
                        .addLast(deadlines)
                        .addLast(folds)
                        // The decoder and encoder as two handlers, not HttpServerCodec: the
                        // codec wraps both in a delegating handler (one more hop for every read,
                        // write and flush) and queues each request's method only to leave a HEAD
                        // answer's body out, which Exchange already sends empty.
                        .addLast(new HttpRequestDecoder(decoding))
                        .addLast(new HttpResponseEncoder())
                        .addLast(new Exchange(handler, deadlines, folds));
                  }
                });
    ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      Throwable cause = bound.cause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause);
    }
    HttpServer http = new HttpServer(group, bound.channel());
    for (EventExecutor loop : group) {
      loop.terminationFuture()
          .addListener(
              f -> {
                if (!http.closing) {
                  LOG.error("an HTTP event loop stopped unexpectedly", f.cause());
                  http.failure.complete(
                      f.cause() != null
                          ? f.cause()
                          : new IllegalStateException("an HTTP event loop stopped"));
                }
              });
    }
    return http;
  }

  private static void logRefusal(HttpLimits limits, AtomicLong lastLog, AtomicLong since) {
    long refused = since.incrementAndGet();
    long now = System.nanoTime();
    long last = lastLog.get();
    if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
      since.set(0);
      LOG.warn(
          "refused {} connection(s): {} are open, the most forecaster.reader.max-connections"
              + " allows; raise it if these are real clients (this is logged once a minute at most)",
          refused,
          limits.maxConnections());
    }
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** The event loops: a test stops one to see {@link #failure()} report it. */
  EventLoopGroup loops() {
    return group;
  }

  /** Completes with the cause if an event loop stops while the server is not being closed. */
  CompletableFuture<Throwable> failure() {
    return failure;
  }

  @Override
  public void close() {
    closing = true;
    server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /**
   * On the listening channel: an accept() that fails (most often "Too many open files") is logged
   * once a minute at most and accepting pauses for a second, instead of the selector reporting the
   * pending connection again at once, forever.
   */
  private static final class AcceptFailures extends ChannelInboundHandlerAdapter {
    private final AtomicInteger open;
    private final HttpLimits limits;
    private long lastLog = System.nanoTime() - LOG_EVERY_NANOS;
    private long failuresSinceLog;

    AcceptFailures(AtomicInteger open, HttpLimits limits) {
      this.open = open;
      this.limits = limits;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failuresSinceLog++;
      long now = System.nanoTime();
      if (now - lastLog >= LOG_EVERY_NANOS) {
        lastLog = now;
        LOG.warn(
            "accept() failed {} time(s): {}; pausing accept for {} ms at a time ({} connections"
                + " open, forecaster.reader.max-connections {}): raise the open-files limit"
                + " (ulimit -n, LimitNOFILE) above max-connections, or lower it (logged once a"
                + " minute at most)",
            failuresSinceLog,
            cause.toString(),
            ACCEPT_BACKOFF_MILLIS,
            open.get(),
            limits.maxConnections());
        failuresSinceLog = 0;
      }
      Channel channel = ctx.channel();
      channel.config().setAutoRead(false);
      ctx.executor()
          .schedule(
              () -> {
                if (channel.isOpen()) {
                  channel.config().setAutoRead(true);
                }
              },
              ACCEPT_BACKOFF_MILLIS,
              TimeUnit.MILLISECONDS);
      // Not passed on: the bootstrap's acceptor would pause too, and the pipeline's end would
      // log every failure again.
    }
  }

  /**
   * The connection's deadlines, first in the pipeline so it sees raw bytes: a request head must be
   * whole within head-timeout of its first byte (of the connection's start, for the first request),
   * however slowly it trickles; between requests the connection may stay idle for idle-timeout. One
   * timer per connection, re-armed only when it fires.
   */
  private static final class Deadlines extends ChannelInboundHandlerAdapter {
    private final long headNanos;
    private final long idleNanos;
    private final Events events;
    private boolean inHead;
    private long deadline;
    private ScheduledFuture<?> timer;

    Deadlines(HttpLimits limits, Events events) {
      this.headNanos = limits.headTimeout().toNanos();
      this.idleNanos = limits.idleTimeout().toNanos();
      this.events = events;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      inHead = true;
      deadline = System.nanoTime() + headNanos;
      arm(ctx, headNanos);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!inHead) {
        inHead = true;
        deadline = System.nanoTime() + headNanos;
      }
      ctx.fireChannelRead(msg);
    }

    /** A whole request head arrived: the connection is idle until the next one starts. */
    void headArrived() {
      inHead = false;
      deadline = System.nanoTime() + idleNanos;
    }

    private void arm(ChannelHandlerContext ctx, long nanos) {
      timer = ctx.executor().schedule(() -> check(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
      if (!ctx.channel().isOpen()) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left > 0) {
        arm(ctx, left);
        return;
      }
      if (inHead) {
        events.headTimedOut();
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (timer != null) {
        timer.cancel(false);
      }
      ctx.fireChannelInactive();
    }
  }

  /**
   * Refuses obsolete line folding, which Netty accepts by joining the lines (RFC 9112 5.2 lets a
   * server do either; a proxy in front may not fold the same way, so the reader refuses). It scans
   * the bytes of each request head before the codec and turns the space or tab that starts a folded
   * line into a NUL, which the codec rejects as a malformed header (a 400); the connection is then
   * closed. Bodies are not scanned: the first head that declares one (Content-Length or
   * Transfer-Encoding) ends the scan, and its connection closes after the answer.
   */
  private static final class FoldGuard extends ChannelInboundHandlerAdapter
      implements ByteProcessor {
    private static final int BEFORE_HEAD = 0;
    private static final int REQUEST_LINE = 1;
    private static final int LINE_START = 2;
    private static final int IN_NAME = 3;
    private static final int IN_VALUE = 4;
    private static final int OFF = 5;

    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes(US_ASCII);

    private int state = BEFORE_HEAD;
    // How much of the header name so far matches each name; -1 once it differs.
    private int contentLength;
    private int transferEncoding;
    private boolean bodyDeclared;
    boolean foldSeen;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (state != OFF && msg instanceof ByteBuf buf) {
        int from = buf.readerIndex();
        int end = buf.writerIndex();
        while (from < end) {
          int fold = buf.forEachByte(from, end - from, this);
          if (fold < 0) {
            break;
          }
          buf.setByte(fold, 0);
          foldSeen = true;
          state = IN_VALUE;
          from = fold + 1;
        }
      }
      ctx.fireChannelRead(msg);
    }

    private void matchName(byte b) {
      byte lower = (byte) (b | 0x20);
      contentLength = step(contentLength, CONTENT_LENGTH, lower);
      transferEncoding = step(transferEncoding, TRANSFER_ENCODING, lower);
    }

    private static int step(int matched, byte[] name, byte lower) {
      return matched >= 0 && matched < name.length && name[matched] == lower ? matched + 1 : -1;
    }

    /** Steps the head scanner over one byte; false (stop) at the first byte of a folded line. */
    @Override
    public boolean process(byte b) {
      switch (state) {
        case BEFORE_HEAD -> {
          if (b != '\r' && b != '\n') {
            state = REQUEST_LINE;
            bodyDeclared = false;
          }
        }
        case REQUEST_LINE, IN_VALUE -> {
          if (b == '\n') {
            state = LINE_START;
          }
        }
        case LINE_START -> {
          if (b == ' ' || b == '\t') {
            return false;
          } else if (b == '\n') {
            state = bodyDeclared ? OFF : BEFORE_HEAD;
          } else if (b != '\r') {
            contentLength = 0;
            transferEncoding = 0;
            matchName(b);
            state = IN_NAME;
          }
        }
        case IN_NAME -> {
          if (b == ':' || b == '\n') {
            bodyDeclared |=
                contentLength == CONTENT_LENGTH.length
                    || transferEncoding == TRANSFER_ENCODING.length;
            state = b == ':' ? IN_VALUE : LINE_START;
          } else {
            matchName(b);
          }
        }
        default -> {
          return true;
        }
      }
      return true;
    }
  }

  /**
   * Per event loop: where a row's pieces are gathered before they are copied to the socket's
   * buffer.
   */
  private static final int MAX_SCRATCH = 1 << 20;

  private static final FastThreadLocal<byte[]> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[8192];
        }
      };

  /**
   * Answers each decoded request in order. While the client does not read its answers (the
   * channel's outbound buffer is over its high-water mark), further requests wait here and the
   * socket is not read, so a client that only sends costs at most one read's worth of requests.
   */
  private static final class Exchange extends ChannelInboundHandlerAdapter {
    private final Handler handler;
    private final Deadlines deadlines;
    private final FoldGuard folds;
    private final ArrayDeque<HttpRequest> waiting = new ArrayDeque<>();
    private boolean closing;
    private boolean draining;

    Exchange(Handler handler, Deadlines deadlines, FoldGuard folds) {
      this.handler = handler;
      this.deadlines = deadlines;
      this.folds = folds;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (closing || !(msg instanceof HttpRequest request)) {
          return; // bodies (and anything after a closing answer) are not read
        }
        deadlines.headArrived();
        if (!waiting.isEmpty() || !ctx.channel().isWritable()) {
          waiting.add(request);
          ctx.channel().config().setAutoRead(false);
          ctx.flush();
          return;
        }
        answer(ctx, request);
        if (!ctx.channel().isWritable()) {
          ctx.flush();
        }
      } finally {
        if (msg instanceof HttpContent) {
          ReferenceCountUtil.release(msg);
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (!ctx.channel().isWritable() || draining) {
        return;
      }
      draining = true;
      try {
        while (!waiting.isEmpty() && !closing && ctx.channel().isWritable()) {
          answer(ctx, waiting.poll());
        }
        ctx.flush();
        if (waiting.isEmpty() && !closing) {
          ctx.channel().config().setAutoRead(true);
        }
      } finally {
        draining = false;
      }
    }

    private void answer(ChannelHandlerContext ctx, HttpRequest request) {
      String problem = problem(request, folds.foldSeen);
      HttpResponse response;
      boolean keepAlive;
      if (problem != null) {
        response = handler.malformed(statusOf(request.decoderResult()), problem);
        keepAlive = false;
      } else {
        String uri = request.uri();
        int question = uri.indexOf('?');
        response =
            handler.handle(
                request.method().name(),
                question < 0 ? uri : uri.substring(0, question),
                question < 0 ? null : uri.substring(question + 1));
        // HttpUtil.isKeepAlive without its header-value iterators when there is no Connection
        // header (what most clients send): then the version's default decides.
        keepAlive =
            (request.headers().contains(HttpHeaderNames.CONNECTION)
                    ? HttpUtil.isKeepAlive(request)
                    : request.protocolVersion().isKeepAliveDefault())
                && !hasBody(request);
      }
      boolean head = HttpMethod.HEAD.equals(request.method()) && problem == null;
      int length = response.bodyLength();
      ByteBuf content = head ? Unpooled.EMPTY_BUFFER : body(ctx, response, length);
      boolean connectionHeader =
          !keepAlive || request.protocolVersion().equals(HttpVersion.HTTP_1_0);
      CharSequence[] headers =
          new CharSequence[6 + (response.status == 405 ? 2 : 0) + (connectionHeader ? 2 : 0)];
      int h = 0;
      headers[h++] = HttpHeaderNames.CONTENT_TYPE;
      headers[h++] = contentType(response.contentType);
      headers[h++] = HttpHeaderNames.CONTENT_LENGTH;
      headers[h++] = contentLength(length);
      headers[h++] = HttpHeaderNames.DATE;
      headers[h++] = HttpDate.now();
      if (response.status == 405) {
        headers[h++] = HttpHeaderNames.ALLOW;
        headers[h++] = ALLOW;
      }
      if (!keepAlive) {
        headers[h++] = HttpHeaderNames.CONNECTION;
        headers[h++] = HttpHeaderValues.CLOSE;
      } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        // HTTP/1.0 closes after each answer unless the answer says keep-alive.
        headers[h++] = HttpHeaderNames.CONNECTION;
        headers[h++] = HttpHeaderValues.KEEP_ALIVE;
      }
      // Headers in one flat array, and no trailers: Netty's default headers allocate a 16-slot
      // hash table (twice, with the trailers) for every answer.
      FullHttpResponse out =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(response.status),
              content,
              new ReadOnlyHttpHeaders(false, headers),
              EmptyHttpHeaders.INSTANCE);
      if (keepAlive) {
        ctx.write(out, ctx.voidPromise());
      } else {
        closing = true;
        waiting.clear();
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
      }
    }

    /** Content-Length values, made once each (bodies of one table have a few hundred lengths). */
    private static final AsciiString[] LENGTHS = new AsciiString[16384];

    private static AsciiString contentLength(int length) {
      if (length >= LENGTHS.length) {
        return AsciiString.of(Integer.toString(length));
      }
      AsciiString value = LENGTHS[length];
      if (value == null) {
        // Racing threads store equal values; an AsciiString's content fields are final.
        value = AsciiString.cached(Integer.toString(length));
        LENGTHS[length] = value;
      }
      return value;
    }

    private static CharSequence contentType(String type) {
      return HttpResponse.JSON.equals(type) ? JSON : type;
    }

    /**
     * The body in a pooled direct buffer, the kind the socket writes from (a heap buffer would be
     * copied into one by the channel, one allocation more). A row's pieces are gathered in the
     * event loop's scratch array first: one copy into direct memory instead of one per piece.
     */
    private static ByteBuf body(ChannelHandlerContext ctx, HttpResponse response, int length) {
      ByteBuf buf = ctx.alloc().directBuffer(length);
      byte[] shared = response.sharedBody();
      if (shared != null) {
        return buf.writeBytes(shared);
      }
      byte[] scratch = SCRATCH.get();
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
        if (scratch.length <= MAX_SCRATCH) {
          SCRATCH.set(scratch);
        }
      }
      response.copyBody(scratch, 0);
      return buf.writeBytes(scratch, 0, length);
    }

    /** Why Netty could not parse the request, or what this API refuses in it; null when fine. */
    private static String problem(HttpRequest request, boolean foldSeen) {
      DecoderResult result = request.decoderResult();
      if (result.isFailure()) {
        Throwable cause = result.cause();
        if (foldSeen) {
          return "a header line starts with a space or tab (obsolete line folding); send each"
              + " header on one line";
        }
        if (cause instanceof TooLongHttpLineException) {
          return "request line too long; send a shorter URL";
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
          return "request headers too large; send fewer or shorter headers";
        }
        return "malformed request: "
            + ApiError.echo(String.valueOf(cause.getMessage()))
            + "; send an HTTP/1.1 request such as GET /health HTTP/1.1";
      }
      HttpVersion version = request.protocolVersion();
      if (version.majorVersion() != 1 || version.minorVersion() > 1) {
        return "unsupported protocol '" + ApiError.echo(version.text()) + "'; use HTTP/1.1";
      }
      String method = request.method().name();
      for (int i = 0; i < method.length(); i++) {
        char c = method.charAt(i);
        if (c < 'A' || c > 'Z') {
          return "malformed request line: the method must be upper-case letters, e.g. GET";
        }
      }
      String uri = request.uri();
      if (!uri.startsWith("/")) {
        return "malformed request line: the target must be a path, e.g. /health";
      }
      for (int i = 0; i < uri.length(); i++) {
        char c = uri.charAt(i);
        if (c <= ' ' || c >= 0x7f) {
          return "the request target has a character that must be percent-encoded";
        }
      }
      return null;
    }

    private static int statusOf(DecoderResult result) {
      if (result.isFailure() && result.cause() instanceof TooLongHttpLineException) {
        return 414;
      }
      if (result.isFailure()
          && (result.cause() instanceof TooLongHttpHeaderException
              || result.cause() instanceof TooLongFrameException)) {
        return 431;
      }
      return 400;
    }

    /** Whether the request declares a body (even an empty one): the API reads none. */
    private static boolean hasBody(HttpRequest request) {
      return request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
          || request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof SocketException
          || (cause instanceof IOException && !(cause.getCause() instanceof Error))) {
        LOG.debug("connection failed: {}", cause.toString());
      } else {
        LOG.error("closing a connection after an unexpected failure", cause);
      }
      closing = true;
      waiting.clear();
      ctx.close();
    }
  }

  /** The Date header value, formatted once a second. */
  private static final class HttpDate {
    private record Stamp(long second, AsciiString value) {}

    private static volatile Stamp stamp = new Stamp(-1, null);

    static AsciiString now() {
      long second = System.currentTimeMillis() / 1000;
      Stamp s = stamp;
      if (s.second() != second) {
        s = new Stamp(second, new AsciiString(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))));
        stamp = s;
      }
      return s.value();
    }
  }
}
