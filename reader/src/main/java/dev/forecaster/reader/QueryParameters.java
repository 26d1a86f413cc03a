package dev.forecaster.reader;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The parameters of one request, parsed strictly: percent-decoded as UTF-8 ({@code +} stays a plus,
 * so offsets like {@code +01:00} need no escaping), each at most once, only those the endpoint
 * takes. Every problem is a 400 naming the parameter.
 */
final class QueryParameters {
  static final int MAX_QUERY_LENGTH = 2048;

  private final List<String> allowed;

  /** The value of each allowed parameter (same order as {@link #allowed}), null when absent. */
  private final String[] values;

  private QueryParameters(List<String> allowed, String[] values) {
    this.allowed = allowed;
    this.values = values;
  }

  static QueryParameters parse(String rawQuery, String path, List<String> allowed) throws ApiError {
    String[] values = new String[allowed.size()];
    if (rawQuery == null || rawQuery.isEmpty()) {
      return new QueryParameters(allowed, values);
    }
    if (rawQuery.length() > MAX_QUERY_LENGTH) {
      throw new ApiError(
          414,
          "query string longer than " + MAX_QUERY_LENGTH + " characters; send fewer parameters");
    }
    for (int from = 0, to; from <= rawQuery.length(); from = to + 1) {
      to = rawQuery.indexOf('&', from);
      if (to < 0) {
        to = rawQuery.length();
      }
      if (to == from) {
        continue;
      }
      int eq = rawQuery.indexOf('=', from);
      int nameEnd = eq < 0 || eq > to ? to : eq;
      String name = name(rawQuery, from, nameEnd, allowed);
      String value = nameEnd == to ? "" : decode(rawQuery.substring(nameEnd + 1, to), name);
      int i = allowed.indexOf(name);
      if (i < 0) {
        throw ApiError.badRequest(
            "unknown parameter '"
                + echoName(name)
                + "'; "
                + path
                + (allowed.isEmpty()
                    ? " takes no parameters"
                    : " takes " + String.join(", ", allowed)));
      }
      if (values[i] != null) {
        throw ApiError.badRequest("parameter '" + name + "' is given more than once");
      }
      values[i] = value;
    }
    return new QueryParameters(allowed, values);
  }

  /**
   * The decoded name of rawQuery[from, to): one of {@code allowed} itself when it is spelled
   * plainly (no copy), else decoded.
   */
  private static String name(String rawQuery, int from, int to, List<String> allowed)
      throws ApiError {
    for (int i = 0; i < allowed.size(); i++) {
      String candidate = allowed.get(i);
      if (candidate.length() == to - from && rawQuery.startsWith(candidate, from)) {
        return candidate;
      }
    }
    return decode(rawQuery.substring(from, to), null);
  }

  private String get(String name) {
    int i = allowed.indexOf(name);
    return i < 0 ? null : values[i];
  }

  /** A symbol such as BTC-USD: letters, digits, '.', '_' or '-'. */
  String symbol(String name, String example) throws ApiError {
    String value = required(name, example);
    if (!isSymbol(value)) {
      throw ApiError.badRequest(
          "parameter '"
              + name
              + "' must be a symbol such as BTC-USD (letters, digits, '.', '_' or '-', at most 64),"
              + " got '"
              + ApiError.echo(value)
              + "'");
    }
    return value;
  }

  /** A positive whole number, or null when absent and not required. */
  Integer positiveInt(String name, boolean required, String what, String example) throws ApiError {
    String value = required ? required(name, example) : get(name);
    if (value == null) {
      return null;
    }
    // ASCII digits only: Character.isDigit would take "１００８０" (full-width) for 10080.
    int number = value.length() > 9 ? -1 : Instants.digits(value, 0, value.length());
    if (number <= 0) {
      throw ApiError.badRequest(
          "parameter '"
              + name
              + "' must be a positive whole number of "
              + what
              + ", e.g. "
              + example
              + ", got '"
              + ApiError.echo(value)
              + "'");
    }
    return number;
  }

  /** An as-of (date or date-time), or null when absent. */
  Instant asOf(String name) throws ApiError {
    String value = get(name);
    if (value == null) {
      return null;
    }
    return Instants.parse(value)
        .orElseThrow(
            () ->
                ApiError.badRequest(
                    "parameter '"
                        + name
                        + "' must be a date (2025-12-12, meaning 00:00 UTC) or an ISO-8601"
                        + " instant (2025-12-12T00:00:00Z), got '"
                        + ApiError.echo(value)
                        + "'"));
  }

  private String required(String name, String example) throws ApiError {
    String value = get(name);
    if (value == null || value.isEmpty()) {
      throw ApiError.badRequest("missing parameter '" + name + "', e.g. " + example);
    }
    return value;
  }

  /** [A-Za-z0-9][A-Za-z0-9._-]{0,63}, without a regex's allocations. */
  private static boolean isSymbol(String value) {
    if (value.length() > 64 || !isAlnum(value.charAt(0))) {
      return false;
    }
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isAlnum(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static String what(String parameter) {
    return parameter == null ? "parameter name" : "parameter '" + echoName(parameter) + "'";
  }

  private static String echoName(String name) {
    return ApiError.echo(name);
  }

  /**
   * Percent-decodes a parameter's name (when {@code parameter} is null) or the value of the named
   * parameter; the name only goes into the error message.
   */
  private static String decode(String raw, String parameter) throws ApiError {
    boolean plain = true;
    for (int i = 0; i < raw.length() && plain; i++) {
      char c = raw.charAt(i);
      plain = c != '%' && c < 0x80;
    }
    if (plain) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw ApiError.badRequest("malformed percent-encoding in " + what(parameter));
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        int next = raw.indexOf('%', i);
        int end = next < 0 ? raw.length() : next;
        byte[] b = raw.substring(i, end).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i = end - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest(what(parameter) + " is not valid UTF-8");
    }
  }
}
