package dev.forecaster.reader;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * The running reader: the forecasts table loaded into memory, a poller that swaps in new versions,
 * and the HTTP server (event loops, see {@link HttpServer}).
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
        new ForecastsTable(ReaderEngine.create(config.hadoop()), config.forecastsTable());
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
    ForecastApi api =
        new ForecastApi(
            store, new Metrics(), config.defaultLookbackDays(), config.pollInterval(), clock);
    // An event loop per core at most: answers are in memory, so more threads only wait.
    int loops = Math.max(1, Math.min(config.threads(), Runtime.getRuntime().availableProcessors()));
    HttpServer server;
    try {
      server = HttpServer.start(address, loops, api);
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
    store.startPolling(config.pollInterval());
    return new ReaderServer(server, store);
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
