package dev.forecaster.util;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to another thread, with its failure rethrown as it was thrown. */
public final class Futures {
  private Futures() {}

  /**
   * The task's result; a runtime exception it threw is rethrown as is (a ForecasterException keeps
   * its message for the user), anything else wrapped.
   *
   * @param what what the task does, for the message of a wrapped failure
   */
  public static <T> T await(Future<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException cause
          ? cause
          : new IllegalStateException("failed while " + what, e.getCause());
    }
  }
}
