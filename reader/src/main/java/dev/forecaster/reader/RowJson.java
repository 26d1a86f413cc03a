package dev.forecaster.reader;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One forecast serialized once, at load: {@code head} is the object up to {@code "features":},
 * {@code features} the map (shared by the rows of one symbol, as-of and lookback, whatever the
 * horizon), {@code tail} the rest.
 */
record RowJson(long asOfMicros, String runId, byte[] head, byte[] features, byte[] tail) {
  int length() {
    return head.length + features.length + tail.length;
  }

  void writeTo(OutputStream out) throws IOException {
    out.write(head);
    out.write(features);
    out.write(tail);
  }

  int copyTo(byte[] target, int offset) {
    System.arraycopy(head, 0, target, offset, head.length);
    System.arraycopy(features, 0, target, offset + head.length, features.length);
    System.arraycopy(tail, 0, target, offset + head.length + features.length, tail.length);
    return offset + length();
  }
}
