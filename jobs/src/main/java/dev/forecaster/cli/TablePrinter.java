package dev.forecaster.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints rows as a console table: one header line, columns padded to their widest cell, numbers
 * right-aligned. The one table format of the commands that print rows.
 */
public final class TablePrinter {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();
  private final boolean[] numeric;

  public TablePrinter(List<String> header) {
    this.header = List.copyOf(header);
    this.numeric = new boolean[header.size()];
    java.util.Arrays.fill(numeric, true);
  }

  public TablePrinter(String... header) {
    this(List.of(header));
  }

  /** Adds a row; null cells print as {@code NULL}. */
  public TablePrinter add(List<String> cells) {
    if (cells.size() != header.size()) {
      throw new IllegalArgumentException(
          "a row of " + cells.size() + " cells for " + header.size() + " columns");
    }
    List<String> row = new ArrayList<>(cells.size());
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      row.add(cell == null ? "NULL" : cell);
      numeric[i] &= cell == null || isNumber(cell);
    }
    rows.add(row);
    return this;
  }

  public TablePrinter add(String... cells) {
    return add(java.util.Arrays.asList(cells));
  }

  public int size() {
    return rows.size();
  }

  public void print(PrintWriter out) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> row : rows) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    line(out, header, width, false);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
    }
    out.println(rule);
    for (List<String> row : rows) {
      line(out, row, width, true);
    }
    out.flush();
  }

  private void line(PrintWriter out, List<String> cells, int[] width, boolean alignNumbers) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      String pad = " ".repeat(width[i] - cell.length());
      s.append(i == 0 ? "" : "  ");
      boolean right = alignNumbers ? numeric[i] : numeric[i] && !rows.isEmpty();
      s.append(right ? pad + cell : cell + (i == cells.size() - 1 ? "" : pad));
    }
    out.println(s);
  }

  private static boolean isNumber(String s) {
    if (s.equals("NULL") || s.equals("-")) {
      return true;
    }
    String t = s.endsWith("%") ? s.substring(0, s.length() - 1) : s;
    try {
      Double.parseDouble(t);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
