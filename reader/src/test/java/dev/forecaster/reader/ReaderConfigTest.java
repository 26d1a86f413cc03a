package dev.forecaster.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReaderConfigTest {
  @Test
  void defaultsComeFromReferenceConf() {
    ReaderConfig c = ReaderConfig.load(null, Map.of());
    assertEquals("warehouse", c.warehouse());
    assertEquals("127.0.0.1", c.bind());
    assertEquals(8080, c.port());
    assertEquals(Duration.ofSeconds(2), c.pollInterval());
    assertEquals(0, c.threads());
    assertEquals(60, c.defaultLookbackDays());
    assertEquals(
        Path.of("warehouse").toAbsolutePath().resolve("forecasts").toString(), c.forecastsTable());
  }

  @Test
  void flagsBeatTheFileAndTheFileBeatsDefaults(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("reader.conf");
    Files.writeString(
        file,
        "forecaster { warehouse = \"/data/wh\", reader { port = 9000, poll-interval = 500ms } }\n");
    ReaderMain options = new ReaderMain();
    new CommandLine(options).parseArgs("--conf", file.toString(), "--port", "0", "--threads", "2");
    ReaderConfig c = options.config();
    assertEquals("/data/wh", c.warehouse()); // file
    assertEquals(0, c.port()); // flag over file
    assertEquals(Duration.ofMillis(500), c.pollInterval()); // file
    assertEquals(2, c.threads()); // flag
    assertEquals("127.0.0.1", c.bind()); // default
    assertEquals("/data/wh/forecasts", c.forecastsTable());

    new CommandLine(options)
        .parseArgs(
            "--conf", file.toString(), "--warehouse", "s3a://bucket/wh/", "--poll-interval", "5s");
    c = options.config();
    assertEquals("s3a://bucket/wh/forecasts", c.forecastsTable());
    assertEquals(Duration.ofSeconds(5), c.pollInterval());
  }

  @Test
  void unknownKeysAndBadValuesAreRejectedWithTheKey(@TempDir Path tmp) throws Exception {
    Path typo = tmp.resolve("typo.conf");
    Files.writeString(typo, "forecaster.reader.prot = 9000\n");
    ReaderException unknown =
        assertThrows(ReaderException.class, () -> ReaderConfig.load(typo, Map.of()));
    assertTrue(unknown.getMessage().contains("forecaster.reader.prot"), unknown.getMessage());

    ReaderException port =
        assertThrows(
            ReaderException.class, () -> ReaderConfig.load(null, Map.of("reader.port", 70000)));
    assertTrue(port.getMessage().contains("reader.port"), port.getMessage());

    ReaderException poll =
        assertThrows(
            ReaderException.class,
            () -> ReaderConfig.load(null, Map.of("reader.poll-interval", "often")));
    assertTrue(poll.getMessage().contains("poll-interval"), poll.getMessage());

    ReaderException threads =
        assertThrows(
            ReaderException.class, () -> ReaderConfig.load(null, Map.of("reader.threads", -1)));
    assertTrue(threads.getMessage().contains("reader.threads"), threads.getMessage());

    assertThrows(
        ReaderException.class, () -> ReaderConfig.load(tmp.resolve("absent.conf"), Map.of()));
  }

  @Test
  void theCompilerDirectivesThatServeUsesParse() throws Exception {
    // bin/forecaster serve passes conf/reader-compiler.json to the JVM, which refuses to start
    // on a malformed file: this fails first, in the build, rather than at a deployment.
    Path directives =
        Path.of(System.getProperty("user.dir")).getParent().resolve("conf/reader-compiler.json");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process jvm =
        new ProcessBuilder(
                java,
                "-XX:+UnlockDiagnosticVMOptions",
                "-XX:CompilerDirectivesFile=" + directives,
                "-version")
            .redirectErrorStream(true)
            .start();
    String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, jvm.waitFor(), out);
    assertTrue(out.contains("2 compiler directives added"), out);
  }

  @Test
  void zeroThreadsIsOneEventLoopPerTwoCoresAndACountIsCappedAtTheCores() {
    assertEquals(1, ReaderServer.eventLoops(0, 1));
    assertEquals(1, ReaderServer.eventLoops(0, 2));
    assertEquals(1, ReaderServer.eventLoops(0, 3));
    assertEquals(4, ReaderServer.eventLoops(0, 8));
    assertEquals(2, ReaderServer.eventLoops(8, 2));
    assertEquals(1, ReaderServer.eventLoops(1, 8));
    assertEquals(3, ReaderServer.eventLoops(3, 8));
  }

  @Test
  void httpLimitsComeFromTheConfigurationAndAreValidated(@TempDir Path tmp) throws Exception {
    assertEquals(HttpLimits.DEFAULTS, ReaderConfig.load(null, Map.of()).limits());
    Path file = tmp.resolve("limits.conf");
    Files.writeString(
        file,
        "forecaster.reader { max-connections = 50, head-timeout = 3s, idle-timeout = 20s,"
            + " max-request-line = 4096, max-header-bytes = 16384 }\n");
    assertEquals(
        new HttpLimits(50, Duration.ofSeconds(3), Duration.ofSeconds(20), 4096, 16384),
        ReaderConfig.load(file, Map.of()).limits());
    for (Map.Entry<String, Object> bad :
        Map.<String, Object>of(
                "reader.max-connections",
                0,
                "reader.head-timeout",
                "1ms",
                "reader.idle-timeout",
                "2h",
                "reader.max-request-line",
                10,
                "reader.max-header-bytes",
                1 << 20)
            .entrySet()) {
      ReaderException e =
          assertThrows(
              ReaderException.class,
              () -> ReaderConfig.load(null, Map.of(bad.getKey(), bad.getValue())));
      assertTrue(e.getMessage().contains("'" + bad.getKey() + "'"), e.getMessage());
    }
  }

  @Test
  void commandLineHelpUsageAndErrors(@TempDir Path tmp) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(
        0, ReaderMain.execute(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(err)));
    for (String option :
        new String[] {"--warehouse", "--conf", "--bind", "--port", "--poll-interval"}) {
      assertTrue(out.toString().contains(option), option);
    }
    assertEquals(
        2,
        ReaderMain.execute(
            new String[] {"--port", "x"}, new PrintWriter(out), new PrintWriter(err)));
    StringWriter failed = new StringWriter();
    assertEquals(
        1,
        ReaderMain.execute(
            new String[] {"--conf", tmp.resolve("absent.conf").toString()},
            new PrintWriter(out),
            new PrintWriter(failed)));
    assertTrue(
        failed.toString().startsWith("error: cannot read configuration file"), failed.toString());
  }

  @Test
  void warmUpAnswersEveryKindOfRequestAndExits(@TempDir Path warehouse) {
    Golden.copyAll(warehouse);
    StringWriter out = new StringWriter();
    int code =
        ReaderMain.execute(
            new String[] {"--warm-up", "--warehouse", warehouse.toString(), "--port", "0"},
            new PrintWriter(out),
            new PrintWriter(new StringWriter()));
    assertEquals(0, code);
    // /health /metrics /forecasts /nope, then asset: latest, date, instant, bad lookback, by as-of
    assertEquals(
        "warm-up: 9 requests x 20, statuses 200 200 200 404 200 200 200 400 200",
        out.toString().trim());
  }

  @Test
  void listeningLineNamesTheAddressWarehouseAndVersion(@TempDir Path warehouse) {
    Golden.copyAll(warehouse);
    ReaderConfig config =
        new ReaderConfig(warehouse.toString(), "127.0.0.1", 0, Duration.ofSeconds(30), 2, 60);
    try (ReaderServer server = ReaderServer.start(config)) {
      assertEquals(
          "forecaster reader listening on http://127.0.0.1:"
              + server.port()
              + " (warehouse "
              + warehouse
              + ", table version 3)",
          ReaderMain.listening(config, server));
    }
  }
}
