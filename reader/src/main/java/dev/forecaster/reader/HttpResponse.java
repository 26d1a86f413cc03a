package dev.forecaster.reader;

/**
 * An answer of the API: status, content type and body. A forecast row's body is its pieces
 * serialized at load, copied straight into the response.
 */
final class HttpResponse {
  static final String JSON = "application/json";

  final int status;
  final String contentType;
  private final byte[] body;
  private final RowJson row;
  private final byte[] rowSuffix;

  private HttpResponse(int status, String contentType, byte[] body, RowJson row, byte[] suffix) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.row = row;
    this.rowSuffix = suffix;
  }

  static HttpResponse of(int status, String contentType, byte[] body) {
    return new HttpResponse(status, contentType, body, null, null);
  }

  static HttpResponse json(int status, byte[] body) {
    return of(status, JSON, body);
  }

  static HttpResponse row(RowJson row, byte[] suffix) {
    return new HttpResponse(200, JSON, null, row, suffix);
  }

  /** The body when it is one prepared array (sent as it is), else null (a row, copied). */
  byte[] sharedBody() {
    return body;
  }

  int bodyLength() {
    return row != null ? row.length(rowSuffix) : body.length;
  }

  int copyBody(byte[] target, int offset) {
    if (row != null) {
      return row.copyTo(target, offset, rowSuffix);
    }
    System.arraycopy(body, 0, target, offset, body.length);
    return offset + body.length;
  }
}
