package dev.forecaster.reader;

import java.time.Duration;

/**
 * What the HTTP layer grants one client (keys {@code forecaster.reader.*} in reference.conf, which
 * says why each default is where it is).
 *
 * @param maxConnections open connections at most; one beyond is closed as soon as it is accepted
 * @param headTimeout a request head must arrive whole within this time from its first byte
 * @param idleTimeout a keep-alive connection with no request in progress is closed after this
 * @param maxRequestLine longest request line in bytes (414 beyond)
 * @param maxHeaderBytes most bytes of headers (431 beyond)
 */
public record HttpLimits(
    int maxConnections,
    Duration headTimeout,
    Duration idleTimeout,
    int maxRequestLine,
    int maxHeaderBytes) {

  /** The defaults of reference.conf. */
  public static final HttpLimits DEFAULTS =
      new HttpLimits(2000, Duration.ofSeconds(10), Duration.ofSeconds(60), 8192, 8192);

  public HttpLimits withMaxConnections(int max) {
    return new HttpLimits(max, headTimeout, idleTimeout, maxRequestLine, maxHeaderBytes);
  }

  public HttpLimits withTimeouts(Duration head, Duration idle) {
    return new HttpLimits(maxConnections, head, idle, maxRequestLine, maxHeaderBytes);
  }
}
