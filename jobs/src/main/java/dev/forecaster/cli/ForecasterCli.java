package dev.forecaster.cli;

import dev.forecaster.errors.ForecasterException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point: {@code forecaster <command> [options]}, locally and on a cluster. */
@Command(
    name = "forecaster",
    mixinStandardHelpOptions = true,
    versionProvider = ForecasterCli.Version.class,
    description = "Point-in-time crypto direction forecasts on Apache Spark and Delta Lake.",
    subcommands = {
      GenerateCommand.class,
      IngestCommand.class,
      FeaturesCommand.class,
      TrainCommand.class,
      BacktestCommand.class,
      RetrainCommand.class,
      WalkForwardCommand.class,
      ModelsCommand.class,
      ForecastCommand.class,
      NightlyCommand.class,
      MonitorCommand.class,
      MaintainCommand.class,
      ReportCommand.class,
      SqlCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ForecasterCli implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ForecasterCli.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Also show Spark's, Delta's and Hadoop's own WARN lines on the console (they always go"
              + " to the log file, logs/forecaster.log with bin/forecaster).")
  void verbose(boolean on) {
    if (on) {
      dev.forecaster.util.ConsoleLogs.showLibraryWarnings();
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line and returns the exit code: 0 ok, 1 failure, 2 usage error. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new ForecasterCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ForecasterException) {
            err.println("error: " + e.getMessage());
          } else {
            LOG.error("unexpected failure", e);
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

  /** The version of the build: project version and git commit. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"forecaster " + dev.forecaster.util.BuildInfo.codeVersion()};
    }
  }
}
