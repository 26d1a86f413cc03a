package dev.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForecasterCliTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = ForecasterCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheBuiltCommandsOnly() {
    Run help = run("--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("generate"));
    assertTrue(help.out().contains("ingest"));
    for (String sub : new String[] {"generate", "ingest"}) {
      Run subHelp = run(sub, "--help");
      assertEquals(0, subHelp.code());
      assertTrue(subHelp.out().contains("Usage: forecaster " + sub), subHelp.out());
    }
  }

  @Test
  void usageErrorsExitTwoAndFailuresExitOneWithAOneLineReason() {
    assertEquals(2, run("frobnicate").code());
    Run noInput = run("ingest", "--warehouse", tmp.toString());
    assertEquals(1, noInput.code());
    assertEquals(
        "error: invalid input '(none)': expected --prices PATH and/or --events PATH\n",
        noInput.err());
    Run badBar = run("ingest", "--prices", "x", "--bar", "daily");
    assertEquals(1, badBar.code());
    assertTrue(badBar.err().startsWith("error: invalid --bar 'daily'"), badBar.err());
  }

  @Test
  void generateWritesTheMarket() {
    Run gen =
        run(
            "generate",
            "--symbols",
            "BTC-USD,eth-usd",
            "--days",
            "3",
            "--bar",
            "4h",
            "--out",
            tmp.toString());
    assertEquals(0, gen.code(), gen.err());
    assertTrue(Files.isRegularFile(tmp.resolve("prices/ETH-USD.csv")));
    assertTrue(Files.isRegularFile(tmp.resolve("events/events.csv")));
    assertTrue(gen.out().startsWith("generated 2 symbols x 3 days"), gen.out());
    Run both = run("generate", "--symbols", "A-USD", "--n-symbols", "3", "--out", tmp.toString());
    assertEquals(2, both.code());
  }
}
