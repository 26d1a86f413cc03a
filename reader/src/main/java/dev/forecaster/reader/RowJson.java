package dev.forecaster.reader;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One forecast, serialized once at load as JSON in six pieces. Pieces that many rows share (the
 * model, the regime, the features map of a symbol and night, the run) are the same arrays, so a row
 * costs little more than its unique bytes; the table version, which changes with every version
 * while the row may not, is written by the index that serves it.
 */
final class RowJson {
  final String symbol;
  final int horizonMinutes;
  final int lookbackDays;
  final long asOfMicros;
  final long createdAtMicros;

  /** symbol .. n_points. */
  private final byte[] head;

  /** model_type, model_name, model_version. */
  private final byte[] model;

  /** regime, regime_score and "features": */
  private final byte[] regime;

  private final byte[] features;

  /** p_up. */
  private final byte[] pUp;

  /** fallback_reason, run_id, created_at. */
  private final byte[] run;

  private final int length;

  RowJson(
      String symbol,
      int horizonMinutes,
      int lookbackDays,
      long asOfMicros,
      long createdAtMicros,
      byte[] head,
      byte[] model,
      byte[] regime,
      byte[] features,
      byte[] pUp,
      byte[] run) {
    this.symbol = symbol;
    this.horizonMinutes = horizonMinutes;
    this.lookbackDays = lookbackDays;
    this.asOfMicros = asOfMicros;
    this.createdAtMicros = createdAtMicros;
    this.head = head;
    this.model = model;
    this.regime = regime;
    this.features = features;
    this.pUp = pUp;
    this.run = run;
    this.length =
        head.length + model.length + regime.length + features.length + pUp.length + run.length;
  }

  /** Length of the row's JSON ended by {@code suffix} (the table version and the closing brace). */
  int length(byte[] suffix) {
    return length + suffix.length;
  }

  void writeTo(OutputStream out, byte[] suffix) throws IOException {
    out.write(head);
    out.write(model);
    out.write(regime);
    out.write(features);
    out.write(pUp);
    out.write(run);
    out.write(suffix);
  }

  int copyTo(byte[] target, int offset, byte[] suffix) {
    offset = copy(head, target, offset);
    offset = copy(model, target, offset);
    offset = copy(regime, target, offset);
    offset = copy(features, target, offset);
    offset = copy(pUp, target, offset);
    offset = copy(run, target, offset);
    return copy(suffix, target, offset);
  }

  private static int copy(byte[] source, byte[] target, int offset) {
    System.arraycopy(source, 0, target, offset, source.length);
    return offset + source.length;
  }
}
