package dev.forecaster.util;

import org.slf4j.Logger;

/** Logs each step of a long job with the seconds it took, so a user sees where time goes. */
public final class Progress {
  private final Logger log;
  private long last = System.nanoTime();

  public Progress(Logger log) {
    this.log = log;
  }

  public void step(String format, Object... args) {
    long now = System.nanoTime();
    log.info("{} ({} s)", String.format(format, args), String.format("%.1f", (now - last) / 1e9));
    last = now;
  }
}
