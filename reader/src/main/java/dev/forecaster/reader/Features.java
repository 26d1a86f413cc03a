package dev.forecaster.reader;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * A row's features map as two arrays sorted by name: rows of one symbol and night share it, and
 * comparing arrays is what lets the serializer write each distinct map once. A null value is kept
 * as NaN: both are written as JSON null.
 */
final class Features {
  private final String[] names;
  private final double[] values;

  /** Where each name is in the file's order, for the next row that has the same names. */
  private final int[] order;

  private final int hash;

  private Features(String[] names, double[] values, int[] order) {
    this.names = names;
    this.values = values;
    this.order = order;
    this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
  }

  /**
   * From names and values in the file's order. A name given twice keeps its last value, as a map
   * would.
   */
  static Features of(String[] names, double[] values) {
    TreeMap<String, Integer> sorted = new TreeMap<>();
    for (int k = 0; k < names.length; k++) {
      sorted.put(names[k], k);
    }
    String[] sortedNames = sorted.keySet().toArray(new String[0]);
    int[] order = sorted.values().stream().mapToInt(Integer::intValue).toArray();
    return new Features(sortedNames, pick(values, order), order);
  }

  /** The features of a row with the same names in the same order as this one's file order. */
  Features withValuesOf(double[] valuesInFileOrder) {
    return new Features(names, pick(valuesInFileOrder, order), order);
  }

  private static double[] pick(double[] values, int[] order) {
    double[] picked = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      picked[i] = values[order[i]];
    }
    return picked;
  }

  int size() {
    return names.length;
  }

  String name(int i) {
    return names[i];
  }

  double value(int i) {
    return values[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Features f
        && hash == f.hash
        && Arrays.equals(names, f.names)
        && Arrays.equals(values, f.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < names.length; i++) {
      s.append(i == 0 ? "" : ", ").append(names[i]).append('=').append(values[i]);
    }
    return s.append('}').toString();
  }
}
