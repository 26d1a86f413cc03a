package dev.forecaster.reader;

/**
 * One forecast, serialized once at load as JSON: its own bytes in one array, and pieces that many
 * rows share (the model, the regime, the features map of a symbol and night, the run) as the same
 * arrays, so a row costs little more than its own bytes. The table version, which changes with
 * every version while the row may not, is written by the index that serves it.
 */
final class RowJson {
  final String symbol;
  final int horizonMinutes;
  final int lookbackDays;
  final long asOfMicros;
  final long createdAtMicros;

  /** The row's own bytes: symbol .. n_points, then (from {@code pUpAt}) p_up. */
  private final byte[] unique;

  private final int pUpAt;

  /** model_type, model_name, model_version. */
  private final byte[] model;

  /** regime, regime_score and "features": (with the colon). */
  private final byte[] regime;

  private final byte[] features;

  /** fallback_reason, run_id, created_at. */
  private final byte[] run;

  RowJson(
      String symbol,
      int horizonMinutes,
      int lookbackDays,
      long asOfMicros,
      long createdAtMicros,
      byte[] unique,
      int pUpAt,
      byte[] model,
      byte[] regime,
      byte[] features,
      byte[] run) {
    this.symbol = symbol;
    this.horizonMinutes = horizonMinutes;
    this.lookbackDays = lookbackDays;
    this.asOfMicros = asOfMicros;
    this.createdAtMicros = createdAtMicros;
    this.unique = unique;
    this.pUpAt = pUpAt;
    this.model = model;
    this.regime = regime;
    this.features = features;
    this.run = run;
  }

  /** Length of the row's JSON ended by {@code suffix} (the table version and the closing brace). */
  int length(byte[] suffix) {
    return unique.length
        + model.length
        + regime.length
        + features.length
        + run.length
        + suffix.length;
  }

  int copyTo(byte[] target, int offset, byte[] suffix) {
    System.arraycopy(unique, 0, target, offset, pUpAt);
    offset += pUpAt;
    offset = copy(model, target, offset);
    offset = copy(regime, target, offset);
    offset = copy(features, target, offset);
    System.arraycopy(unique, pUpAt, target, offset, unique.length - pUpAt);
    offset += unique.length - pUpAt;
    offset = copy(run, target, offset);
    return copy(suffix, target, offset);
  }

  private static int copy(byte[] source, byte[] target, int offset) {
    System.arraycopy(source, 0, target, offset, source.length);
    return offset + source.length;
  }
}
