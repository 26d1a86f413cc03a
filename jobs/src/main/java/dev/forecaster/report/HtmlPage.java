package dev.forecaster.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report page under construction: headings, paragraphs, tables and PNG charts. The page is one
 * HTML file with its own style; each chart is a PNG file beside it, referenced by a relative link,
 * so the folder can be copied or served as it is.
 */
public final class HtmlPage {
  private final StringBuilder body = new StringBuilder();
  private final Map<String, byte[]> images = new LinkedHashMap<>();
  private final String title;

  /** A rendered page: index.html and its PNG files by name. */
  public record Rendered(String html, Map<String, byte[]> images) {}

  public HtmlPage(String title) {
    this.title = title;
    body.append("<h1>").append(escape(title)).append("</h1>\n");
  }

  public HtmlPage heading(String text) {
    body.append("<h2>").append(escape(text)).append("</h2>\n");
    return this;
  }

  public HtmlPage paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
    return this;
  }

  /** A table; null cells show as "-". */
  public HtmlPage table(List<String> header, List<List<String>> rows) {
    body.append("<table>\n<tr>");
    header.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
    body.append("</tr>\n");
    for (List<String> row : rows) {
      body.append("<tr>");
      row.forEach(c -> body.append("<td>").append(c == null ? "-" : escape(c)).append("</td>"));
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /** A chart: {@code file} (a PNG name, e.g. {@code reliability.png}) beside the page. */
  public HtmlPage chart(String file, String caption, byte[] png) {
    if (images.put(file, png) != null) {
      throw new IllegalArgumentException("two charts named " + file);
    }
    body.append("<figure><img src=\"")
        .append(escape(file))
        .append("\" alt=\"")
        .append(escape(caption))
        .append("\" width=\"")
        .append(Charts.WIDTH)
        .append("\" height=\"")
        .append(Charts.HEIGHT)
        .append("\"><figcaption>")
        .append(escape(caption))
        .append("</figcaption></figure>\n");
    return this;
  }

  public Rendered render() {
    String html =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
            + escape(title)
            + "</title>\n<style>\n"
            + "body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}\n"
            + "table{border-collapse:collapse;margin:1em 0}\n"
            + "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}\n"
            + "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}\n"
            + "figure{margin:1em 0}figcaption{color:#555;font-size:90%}\n"
            + "</style>\n</head>\n<body>\n"
            + body
            + "</body>\n</html>\n";
    return new Rendered(html, Map.copyOf(images));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
