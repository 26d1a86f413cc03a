package dev.forecaster.reader;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A request the API answers with a 4xx or 503 and a JSON body {@code {"error": ...}}. */
final class ApiError extends Exception {
  private final int status;
  private final ObjectNode body;

  ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
    this.body = JsonNodeFactory.instance.objectNode().put("error", message);
  }

  int status() {
    return status;
  }

  /** The response body: "error" first, then any details added with {@link #with}. */
  ObjectNode body() {
    return body;
  }

  ApiError with(String field, Object value) {
    body.putPOJO(field, value);
    return this;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, message);
  }

  /** Shortens a value a client sent before it is echoed in an error message. */
  static String echo(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }
}
