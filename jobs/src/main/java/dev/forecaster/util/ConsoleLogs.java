package dev.forecaster.util;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * The console's share of the logs. {@code conf/log4j2.properties} sends Spark's, Delta's and
 * Hadoop's own lines to a log file and only their errors to stderr, at the level named by the
 * system property {@value #PROPERTY}; {@code --verbose} lowers it to WARN.
 */
public final class ConsoleLogs {
  public static final String PROPERTY = "forecaster.log.console";

  private ConsoleLogs() {}

  /** Shows the libraries' WARN lines on stderr too, from now on. */
  public static void showLibraryWarnings() {
    System.setProperty(PROPERTY, "warn");
    // The level is a ${sys:...} lookup, resolved when the configuration is read: read it again.
    if (LogManager.getContext(false) instanceof LoggerContext context) {
      context.reconfigure();
    }
  }
}
