package dev.forecaster.io;

/** Names of the Delta tables under the warehouse ({@code <warehouse>/<name>}). */
public final class Tables {
  private Tables() {}

  public static final String PRICES = "prices";
  public static final String EVENTS = "events";
  public static final String QUARANTINE = "quarantine";
  public static final String FEATURES = "features";
}
