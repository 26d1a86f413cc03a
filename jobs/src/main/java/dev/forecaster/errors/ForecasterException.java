package dev.forecaster.errors;

/**
 * The one exception type for failures a user can act on. Its message says what went wrong, why, and
 * what to do next; build it through {@link Errors}. The CLI prints the message as the one-line
 * reason and exits non-zero.
 */
public final class ForecasterException extends RuntimeException {
  public ForecasterException(String message) {
    super(message);
  }

  public ForecasterException(String message, Throwable cause) {
    super(message, cause);
  }
}
