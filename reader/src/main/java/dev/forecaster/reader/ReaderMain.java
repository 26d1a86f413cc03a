package dev.forecaster.reader;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code forecaster serve}: the forecast reader over HTTP, on the forecasts table of a warehouse.
 */
@Command(
    name = "forecaster serve",
    mixinStandardHelpOptions = true,
    versionProvider = ReaderMain.Version.class,
    sortOptions = false,
    description = {
      "Serves the precomputed forecasts of <warehouse>/forecasts over HTTP (read-only) and picks up"
          + " each new table version without a restart.",
      "Endpoints: GET /forecast/asset?symbol=BTC-USD&horizon_minutes=10080[&lookback_days=60]"
          + "[&as_of=2025-12-12], /forecasts[?as_of=...], /health, /metrics.",
      "Precedence: these flags > the --conf file > conf/reference.conf."
    })
public final class ReaderMain implements Callable<Integer> {
  @Option(
      names = "--warehouse",
      paramLabel = "URI",
      description =
          "Root of the tables: a local path or s3a://bucket/prefix (default: forecaster.warehouse).")
  String warehouse;

  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "HOCON file layered over the defaults (keys as in conf/reference.conf).")
  Path conf;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default: forecaster.reader.bind, 127.0.0.1).")
  String bind;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "TCP port; 0 picks a free one (default: forecaster.reader.port, 8080).")
  Integer port;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      description = "How often to check for a new table version, e.g. 2s or 500ms (default: 2s).")
  String pollInterval;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "HTTP event-loop threads, at most one per core is used; 0 is one per two cores"
              + " (default: forecaster.reader.threads, 0).")
  Integer threads;

  @Option(
      names = "--warm-up",
      hidden = true,
      description =
          "Load the table, answer a few requests over HTTP and exit: what bin/forecaster runs"
              + " once to record the classes the reader loads (a class-data archive).")
  boolean warmUp;

  private final PrintWriter out;

  public ReaderMain() {
    this(new PrintWriter(System.out, true));
  }

  ReaderMain(PrintWriter out) {
    this.out = out;
  }

  /** The configuration these options select. */
  ReaderConfig config() {
    Map<String, Object> overrides = new LinkedHashMap<>();
    if (warehouse != null) {
      overrides.put("warehouse", warehouse);
    }
    if (bind != null) {
      overrides.put("reader.bind", bind);
    }
    if (port != null) {
      overrides.put("reader.port", port);
    }
    if (pollInterval != null) {
      overrides.put("reader.poll-interval", pollInterval);
    }
    if (threads != null) {
      overrides.put("reader.threads", threads);
    }
    return ReaderConfig.load(conf, overrides);
  }

  @Override
  public Integer call() throws InterruptedException {
    ReaderConfig config = config();
    ReaderServer server = ReaderServer.start(config);
    if (warmUp) {
      try (server) {
        out.println(server.warmUp());
      }
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "reader-shutdown"));
    // An HTTP event loop that stops for good ends the process non-zero, so that a supervisor
    // (systemd Restart=on-failure) starts a fresh one instead of a reader that no longer answers.
    server
        .failure()
        .thenAccept(
            cause -> {
              failed = cause;
              stopped.countDown();
            });
    out.println(listening(config, server));
    out.flush();
    stopped.await();
    if (failed != null) {
      throw new ReaderException(
          "the HTTP server failed ("
              + failed
              + "); exiting so that a supervisor restarts the reader",
          failed);
    }
    return 0;
  }

  private volatile Throwable failed;

  static String listening(ReaderConfig config, ReaderServer server) {
    ForecastStore.Serving serving = server.store().current();
    String table =
        serving.index() != null
            ? "table version " + serving.index().version()
            : serving.status() + " yet, polling every " + config.pollInterval().toMillis() + " ms";
    return String.format(
        "forecaster reader listening on http://%s:%d (warehouse %s, %s)",
        hostForUrl(server.host()), server.port(), config.warehouse(), table);
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    } catch (Throwable e) {
      // An Error (a class missing from a broken jar, say) passes picocli's handler. Threads already
      // started (the table poller, the event loops) would keep a JVM alive that serves nothing.
      LoggerFactory.getLogger(ReaderMain.class).error("the reader could not start", e);
      System.err.println("error: the reader could not start: " + e + " (stack trace above)");
      code = 1;
    }
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the command line: 0 after a clean stop, 1 on failure (with one error line), 2 usage. */
  static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new ReaderMain(out));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ReaderException) {
            err.println("error: " + e.getMessage());
          } else {
            e.printStackTrace(err);
            err.println(
                "error: unexpected "
                    + e.getClass().getSimpleName()
                    + ": "
                    + e.getMessage()
                    + " (a bug: the stack trace is above; please report it)");
          }
          err.flush();
          return 1;
        });
    return cli.execute(args);
  }

  /** The version of the jar, from its manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ReaderMain.class.getPackage().getImplementationVersion();
      return new String[] {"forecaster reader " + (v == null ? "(development build)" : v)};
    }
  }
}
