package dev.forecaster.util;

import java.util.concurrent.ThreadFactory;

/** Threads for work a job hands off: named for thread dumps, and never keeping the JVM alive. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
