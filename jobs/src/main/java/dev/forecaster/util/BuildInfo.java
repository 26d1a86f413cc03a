package dev.forecaster.util;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of the code that runs, recorded in every model's metadata. */
public final class BuildInfo {
  private BuildInfo() {}

  /** {@code <project version>+<git commit>} from the build, or what is known of it. */
  public static String codeVersion() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/forecaster-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // Unreadable build properties: fall through to "unknown".
    }
    String version = p.getProperty("version", "unknown");
    String commit = p.getProperty("commit", "");
    return commit.isBlank() || commit.startsWith("${") ? version : version + "+" + commit;
  }
}
