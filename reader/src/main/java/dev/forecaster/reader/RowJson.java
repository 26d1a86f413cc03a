package dev.forecaster.reader;

/**
 * One forecast, serialized once at load as JSON pieces, one a field: pieces that many rows share (a
 * symbol, a night, a model, a rounded number, the features map of a symbol and night) are the same
 * arrays, so a row costs little more than its references. The table version, which changes with
 * every version while the row may not, is written by the index that serves it.
 */
final class RowJson {
  final String symbol;
  final int horizonMinutes;
  final int lookbackDays;
  final long asOfMicros;
  final long createdAtMicros;
  private final byte[][] pieces;
  private final int length;

  RowJson(
      String symbol,
      int horizonMinutes,
      int lookbackDays,
      long asOfMicros,
      long createdAtMicros,
      byte[][] pieces) {
    this.symbol = symbol;
    this.horizonMinutes = horizonMinutes;
    this.lookbackDays = lookbackDays;
    this.asOfMicros = asOfMicros;
    this.createdAtMicros = createdAtMicros;
    this.pieces = pieces;
    int sum = 0;
    for (byte[] piece : pieces) {
      sum += piece.length;
    }
    this.length = sum;
  }

  /** Length of the row's JSON ended by {@code suffix} (the table version and the closing brace). */
  int length(byte[] suffix) {
    return length + suffix.length;
  }

  int copyTo(byte[] target, int offset, byte[] suffix) {
    for (byte[] piece : pieces) {
      System.arraycopy(piece, 0, target, offset, piece.length);
      offset += piece.length;
    }
    System.arraycopy(suffix, 0, target, offset, suffix.length);
    return offset + suffix.length;
  }
}
