package dev.forecaster.reader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The running reader: the forecasts table loaded into memory, a poller that swaps in new versions,
 * and the HTTP server (Netty event loops, see {@link HttpServer}).
 */
public final class ReaderServer implements AutoCloseable {
  private final HttpServer server;
  private final ForecastStore store;

  private ReaderServer(HttpServer server, ForecastStore store) {
    this.server = server;
    this.store = store;
  }

  /**
   * Reads the table (or notes that there is none yet), starts polling it and starts serving. Never
   * fails for a missing or unreadable table: /health reports it and the poller keeps trying.
   */
  public static ReaderServer start(ReaderConfig config) {
    Clock clock = Clock.systemUTC();
    ForecastsTable table =
        new ForecastsTable(
            ReaderEngine.create(config.hadoop(), S3aJars.forWarehouse(config.warehouse())),
            config.forecastsTable());
    ForecastStore store = new ForecastStore(table, clock);
    // The first load runs while the HTTP server and the metrics start (their classes take ~0.3 s
    // to load and initialise). A request in between is answered 503, "not read yet".
    CompletableFuture<Void> firstLoad = new CompletableFuture<>();
    Thread loader =
        new Thread(
            () -> {
              try {
                store.refresh();
                firstLoad.complete(null);
              } catch (Throwable e) {
                firstLoad.completeExceptionally(e);
              }
            },
            "forecasts-first-load");
    loader.setDaemon(true);
    loader.start();

    InetSocketAddress address = new InetSocketAddress(config.bind(), config.port());
    if (address.isUnresolved()) {
      store.close();
      throw new ReaderException(
          "cannot listen on "
              + config.bind()
              + ": not an address of this host; pass --bind 127.0.0.1 (or 0.0.0.0 for every"
              + " interface)");
    }
    Metrics metrics = new Metrics(store);
    ForecastApi api =
        new ForecastApi(store, metrics, config.defaultLookbackDays(), config.pollInterval(), clock);
    int loops = eventLoops(config.threads(), Runtime.getRuntime().availableProcessors());
    HttpServer server;
    try {
      server = HttpServer.start(address, loops, config.limits(), api, metrics);
    } catch (BindException e) {
      store.close();
      throw new ReaderException(
          "cannot listen on "
              + config.bind()
              + ":"
              + config.port()
              + ": "
              + e.getMessage()
              + "; stop what uses that port or pass another --port (0 picks a free one)");
    } catch (IOException e) {
      store.close();
      throw new ReaderException(
          "cannot start the HTTP server on " + config.bind() + ":" + config.port() + ": " + e, e);
    }
    try {
      firstLoad.join();
    } catch (CompletionException e) {
      server.close();
      store.close();
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
    store.startPolling(config.pollInterval());
    return new ReaderServer(server, store);
  }

  /**
   * The HTTP event loops for a {@code threads} setting on this many cores. An explicit count is
   * capped at one per core: answers are bytes in memory, so a further loop only waits for a core.
   * 0, the default, is one per two cores: the reader shares its host with the reverse proxy in
   * front of it, and a loop that cannot keep a core to itself answers late whenever the scheduler
   * runs the other process (README, "serve").
   */
  static int eventLoops(int threads, int cores) {
    return threads == 0 ? Math.max(1, cores / 2) : Math.max(1, Math.min(threads, cores));
  }

  /**
   * Sends a few requests of each kind to this server over a socket and returns a summary line: the
   * classes a real run needs get loaded, so a class-data archive recorded now holds them.
   */
  String warmUp() {
    List<String> paths = new ArrayList<>(List.of("/health", "/metrics", "/forecasts", "/nope"));
    ForecastIndex index = store.current().index();
    if (index != null && !index.isEmpty()) {
      String symbol = index.symbols().first();
      int horizon = index.horizons(symbol).first();
      String asset = "/forecast/asset?symbol=" + symbol + "&horizon_minutes=" + horizon;
      paths.addAll(
          List.of(
              asset,
              asset + "&as_of=" + Instants.format(index.latestAsOf()).substring(0, 10),
              asset + "&as_of=" + Instants.format(index.latestAsOf()),
              asset + "&lookback_days=x",
              "/forecasts?as_of=" + Instants.format(index.earliestAsOf())));
    }
    StringBuilder statuses = new StringBuilder();
    for (int round = 0; round < 20; round++) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        for (int i = 0; i < paths.size(); i++) {
          String close = i == paths.size() - 1 ? "Connection: close\r\n" : "";
          out.write(
              ("GET " + paths.get(i) + " HTTP/1.1\r\nHost: localhost\r\n" + close + "\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
        String answers = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        if (round == 0) {
          for (int at = answers.indexOf("HTTP/1.1 ");
              at >= 0;
              at = answers.indexOf("HTTP/1.1 ", at + 1)) {
            statuses.append(answers, at + 9, at + 12).append(' ');
          }
        }
      } catch (IOException e) {
        return "warm-up request failed: " + e.getMessage();
      }
    }
    return "warm-up: " + paths.size() + " requests x 20, statuses " + statuses.toString().trim();
  }

  /**
   * Completes with the cause if the HTTP server fails for good (an event loop stopped): the process
   * should then exit non-zero so that its supervisor restarts it.
   */
  public CompletableFuture<Throwable> failure() {
    return server.failure();
  }

  public int port() {
    return server.address().getPort();
  }

  public String host() {
    return server.address().getAddress().getHostAddress();
  }

  public ForecastStore store() {
    return store;
  }

  @Override
  public void close() {
    store.close();
    server.close();
  }
}
