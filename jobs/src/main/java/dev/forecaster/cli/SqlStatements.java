package dev.forecaster.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits SQL text into statements at the semicolons that are outside quotes ('...', "...", `...`)
 * and comments (-- to the end of the line, /* ... *&#47;), and tells a read-only statement from one
 * that would change a table.
 */
final class SqlStatements {
  private SqlStatements() {}

  /** The statements of {@code text}, trimmed, without their semicolons; empty ones dropped. */
  static List<String> split(String text) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        int end = i + 1;
        while (end < text.length() && text.charAt(end) != c) {
          end += text.charAt(end) == '\\' && c != '`' ? 2 : 1;
        }
        end = Math.min(end + 1, text.length());
        current.append(text, i, end);
        i = end;
      } else if (text.startsWith("--", i)) {
        int end = text.indexOf('\n', i);
        end = end < 0 ? text.length() : end;
        current.append(text, i, end);
        i = end;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        end = end < 0 ? text.length() : end + 2;
        current.append(text, i, end);
        i = end;
      } else if (c == ';') {
        add(statements, current);
        current.setLength(0);
        i++;
      } else {
        current.append(c);
        i++;
      }
    }
    add(statements, current);
    return statements;
  }

  /**
   * True when the text ends a statement: outside quotes and comments at its end, and its last
   * character outside them is a semicolon (or there is none). The prompt reads lines until then.
   */
  static boolean complete(String text) {
    char last = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        int end = i + 1;
        while (end < text.length() && text.charAt(end) != c) {
          end += text.charAt(end) == '\\' && c != '`' ? 2 : 1;
        }
        if (end >= text.length()) {
          return false;
        }
        last = c;
        i = end + 1;
      } else if (text.startsWith("--", i)) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? text.length() : end;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        if (end < 0) {
          return false;
        }
        i = end + 2;
      } else {
        if (!Character.isWhitespace(c)) {
          last = c;
        }
        i++;
      }
    }
    return last == 0 || last == ';';
  }

  private static void add(List<String> statements, StringBuilder current) {
    String s = current.toString().strip();
    if (!stripComments(s).isBlank()) {
      statements.add(s);
    }
  }

  /** The text with its comments removed (quotes respected). */
  static String stripComments(String text) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        int end = i + 1;
        while (end < text.length() && text.charAt(end) != c) {
          end += text.charAt(end) == '\\' && c != '`' ? 2 : 1;
        }
        end = Math.min(end + 1, text.length());
        out.append(text, i, end);
        i = end;
      } else if (text.startsWith("--", i)) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? text.length() : end;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        i = end < 0 ? text.length() : end + 2;
        out.append(' ');
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static final List<String> READ_ONLY =
      List.of("SELECT", "WITH", "DESCRIBE", "DESC", "SHOW", "EXPLAIN", "VALUES", "TABLE", "FROM");

  /**
   * True for queries, descriptions and session settings: what a statement must be to run through
   * {@code sql}. Temporary views are allowed: they live in the session only.
   */
  static boolean readOnly(String statement) {
    String[] words = stripComments(statement).strip().toUpperCase(Locale.ROOT).split("\\s+");
    if (words.length == 0 || words[0].isEmpty()) {
      return true;
    }
    String first = words[0].startsWith("(") ? "SELECT" : words[0];
    if (READ_ONLY.contains(first) || first.equals("SET") || first.equals("CLEAR")) {
      return !(first.equals("WITH") && containsWrite(words));
    }
    if (first.equals("CREATE") || first.equals("DROP")) {
      String rest = String.join(" ", words);
      return rest.matches(
          "(CREATE( OR REPLACE)? (TEMP|TEMPORARY) VIEW|DROP VIEW|DROP (TEMP|TEMPORARY) VIEW) .*");
    }
    return false;
  }

  private static boolean containsWrite(String[] words) {
    for (String w : words) {
      if (w.equals("INSERT") || w.equals("MERGE") || w.equals("UPDATE") || w.equals("DELETE")) {
        return true;
      }
    }
    return false;
  }
}
