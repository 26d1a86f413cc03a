package dev.forecaster.reader;

/** A failure the user can act on; its message says what went wrong, why, and what to do. */
public final class ReaderException extends RuntimeException {
  public ReaderException(String message) {
    super(message);
  }

  public ReaderException(String message, Throwable cause) {
    super(message, cause);
  }
}
