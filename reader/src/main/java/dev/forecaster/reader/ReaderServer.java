package dev.forecaster.reader;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running reader: the forecasts table loaded into memory, a poller that swaps in new versions,
 * and the HTTP server (the JDK's, on a fixed pool of threads).
 */
public final class ReaderServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool;
  private final ForecastStore store;

  private ReaderServer(HttpServer server, ExecutorService pool, ForecastStore store) {
    this.server = server;
    this.pool = pool;
    this.store = store;
  }

  /**
   * Reads the table (or notes that there is none yet), starts polling it and starts serving. Never
   * fails for a missing or unreadable table: /health reports it and the poller keeps trying.
   */
  public static ReaderServer start(ReaderConfig config) {
    // Answer each response at once rather than waiting on Nagle's algorithm (read at first use).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Clock clock = Clock.systemUTC();
    ForecastsTable table = new ForecastsTable(ReaderEngine.create(), config.forecastsTable());
    ForecastStore store = new ForecastStore(table, clock);
    store.refresh();

    InetSocketAddress address = new InetSocketAddress(config.bind(), config.port());
    if (address.isUnresolved()) {
      store.close();
      throw new ReaderException(
          "cannot listen on "
              + config.bind()
              + ": not an address of this host; pass --bind 127.0.0.1 (or 0.0.0.0 for every"
              + " interface)");
    }
    HttpServer server;
    try {
      server = HttpServer.create(address, 1024);
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
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            config.threads(),
            r -> {
              Thread t = new Thread(r, "reader-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.createContext(
        "/",
        new ForecastApi(
            store, new Metrics(), config.defaultLookbackDays(), config.pollInterval(), clock));
    server.setExecutor(pool);
    server.start();
    store.startPolling(config.pollInterval());
    return new ReaderServer(server, pool, store);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String host() {
    return server.getAddress().getAddress().getHostAddress();
  }

  public ForecastStore store() {
    return store;
  }

  @Override
  public void close() {
    store.close();
    server.stop(0);
    pool.shutdownNow();
  }
}
