package dev.forecaster.reader;

import io.delta.kernel.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the version of the forecasts table being served and replaces it, whole, when a new version
 * is committed. A request reads {@link #current()} once and uses that one {@link Serving}
 * throughout, so it never sees two versions. A failed reload keeps the previous version and is
 * logged once (until it changes or recovers).
 */
public final class ForecastStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ForecastStore.class);

  /** Status values of {@link Serving#status()}. */
  public static final String OK = "ok";

  public static final String NO_TABLE = "no table";
  public static final String EMPTY_TABLE = "empty table";
  public static final String UNREADABLE = "unreadable table";

  /**
   * What the reader serves: an index (null until a version has loaded) with its status, the reason
   * when it is not ok, and the last reload failure (null when the last poll succeeded).
   */
  public record Serving(
      ForecastIndex index, String status, String reason, String lastError, Instant lastErrorAt) {
    public boolean ok() {
      return OK.equals(status);
    }
  }

  private final ForecastsTable table;
  private final Clock clock;
  private final AtomicReference<Serving> current;
  private final AtomicLong reloadFailures = new AtomicLong();
  private volatile Instant lastPollAt;
  private String lastLogged;
  private ScheduledExecutorService poller;

  public ForecastStore(ForecastsTable table, Clock clock) {
    this.table = table;
    this.clock = clock;
    this.current =
        new AtomicReference<>(
            new Serving(null, NO_TABLE, "the forecasts table has not been read yet", null, null));
  }

  public Serving current() {
    return current.get();
  }

  public String tablePath() {
    return table.path();
  }

  public long reloadFailures() {
    return reloadFailures.get();
  }

  public Instant lastPollAt() {
    return lastPollAt;
  }

  /** Polls every {@code interval} on a daemon thread, after the first call to {@link #refresh}. */
  public void startPolling(Duration interval) {
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "forecasts-poller");
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    poller.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (Throwable t) { // never let the poller die: the next poll tries again
      LOG.error("unexpected failure while polling {}", table.path(), t);
    }
  }

  /** Checks the table once and swaps in its latest version when it is new. */
  public synchronized void refresh() {
    lastPollAt = clock.instant();
    Serving before = current.get();
    ForecastIndex served = before.index();
    try {
      Optional<Snapshot> snapshot = table.latest();
      if (snapshot.isEmpty()) {
        String reason =
            "no Delta table at "
                + table.path()
                + " yet; run the forecast job (bin/forecaster forecast) or point --warehouse at"
                + " a warehouse that has one";
        if (served == null) {
          current.set(new Serving(null, NO_TABLE, reason, null, null));
          logOnce(reason);
        } else {
          failed(before, "the table is gone: " + reason, null);
        }
        return;
      }
      long version = table.version(snapshot.get());
      if (served != null && served.version() == version) {
        if (before.lastError() != null) {
          current.set(new Serving(served, before.status(), before.reason(), null, null));
        }
        return;
      }
      long start = System.nanoTime();
      RowSerializer serializer = new RowSerializer();
      ForecastsTable.Files<RowJson> files =
          table.read(
              snapshot.get(), served == null ? Map.of() : served.files(), serializer::serialize);
      ForecastIndex index = ForecastIndex.build(version, files.rows(), clock.instant());
      if (index.isEmpty()) {
        current.set(
            new Serving(
                index,
                EMPTY_TABLE,
                "the forecasts table at "
                    + table.path()
                    + " (version "
                    + version
                    + ") has no rows yet; run the forecast job (bin/forecaster forecast)",
                null,
                null));
      } else {
        current.set(new Serving(index, OK, null, null, null));
      }
      lastLogged = null;
      LOG.info(
          "serving forecasts table version {}: {} rows, {} as-ofs, latest {} ({} data files read,"
              + " {} unchanged; {} ms)",
          version,
          index.rows(),
          index.asOfCount(),
          index.latestAsOf() == null ? "none" : Instants.format(index.latestAsOf()),
          files.read(),
          files.reused(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException e) {
      failed(before, describe(e), e);
    } catch (OutOfMemoryError e) {
      failed(
          before,
          "not enough memory to load the table (JVM heap "
              + Runtime.getRuntime().maxMemory() / (1024 * 1024)
              + " MB); give the reader more, e.g. FORECASTER_READER_HEAP=1g bin/forecaster serve",
          null);
    }
  }

  private void failed(Serving before, String message, Throwable cause) {
    reloadFailures.incrementAndGet();
    Instant now = clock.instant();
    if (before.index() == null) {
      current.set(
          new Serving(
              null,
              UNREADABLE,
              "cannot read the forecasts table at " + table.path() + ": " + message,
              message,
              now));
    } else {
      current.set(new Serving(before.index(), before.status(), before.reason(), message, now));
    }
    if (!message.equals(lastLogged)) {
      String still =
          before.index() == null
              ? "nothing to serve yet"
              : "still serving version " + before.index().version();
      if (cause != null && !(cause instanceof ReaderException)) {
        LOG.warn("reload of {} failed ({}): {}", table.path(), still, message, cause);
      } else {
        LOG.warn("reload of {} failed ({}): {}", table.path(), still, message);
      }
      lastLogged = message;
    }
  }

  private void logOnce(String message) {
    if (!message.equals(lastLogged)) {
      LOG.warn("{}; polling for it", message);
      lastLogged = message;
    }
  }

  private static String describe(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null && s.length() < 600; t = t.getCause()) {
      if (s.length() > 0) {
        s.append(": ");
      }
      s.append(t instanceof ReaderException ? "" : t.getClass().getSimpleName() + " ")
          .append(t.getMessage());
      if (t.getCause() == t) {
        break;
      }
    }
    return s.toString().trim();
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}
