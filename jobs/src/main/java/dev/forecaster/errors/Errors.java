package dev.forecaster.errors;

import java.util.Collection;

/** Factory of every user-facing error: each message says what, why, and how to fix it. */
public final class Errors {
  private Errors() {}

  public static ForecasterException configInvalid(String origin, String key, String problem) {
    return new ForecasterException(
        String.format(
            "configuration %s: '%s' %s; fix the value (defaults and their meaning are in"
                + " conf/reference.conf)",
            origin, key, problem));
  }

  public static ForecasterException configMalformed(String origin, String problem) {
    return new ForecasterException(
        String.format(
            "configuration %s: %s; fix the value (defaults and their meaning are in"
                + " conf/reference.conf)",
            origin, problem));
  }

  public static ForecasterException configUnknownKey(String origin, String key) {
    return new ForecasterException(
        String.format(
            "configuration %s: unknown key '%s'; check its spelling against conf/reference.conf",
            origin, key));
  }

  public static ForecasterException configUnreadable(String file, String why) {
    return new ForecasterException(
        String.format(
            "cannot read configuration file %s: %s; pass an existing HOCON file to --conf",
            file, why));
  }

  public static ForecasterException noInputFiles(String path, String expected) {
    return new ForecasterException(
        String.format(
            "no input files at %s: expected %s; check the path (a file or a folder of files)",
            path, expected));
  }

  public static ForecasterException unreadableFile(String file, String why, String fix) {
    return new ForecasterException(
        String.format(
            "cannot ingest %s: %s; %s. Nothing from this run was written.", file, why, fix));
  }

  public static ForecasterException unrecognisedHeader(
      String file, String header, String expected) {
    return unreadableFile(
        file,
        String.format("no recognisable header (line 1: '%s')", abbreviate(header, 200)),
        "the first line must name the columns, e.g. " + expected);
  }

  public static ForecasterException barConflict(
      String symbol, String file, long fileBar, Collection<Long> otherBars, String where) {
    return new ForecasterException(
        String.format(
            "cannot ingest %s: its %s candles have a bar of %d s but %s holds %s candles with a"
                + " bar of %s s, and one table keeps one series per symbol; ingest this file"
                + " into another --warehouse, or pass --bar (nightly: set forecaster.ingest.bar)"
                + " if the inferred bar is wrong: a late candle beside tonight's makes a gap that"
                + " is not the bar."
                + " Nothing from this run was written.",
            file, symbol, fileBar, where, symbol, otherBars));
  }

  public static ForecasterException invalidOption(String option, String value, String expected) {
    return new ForecasterException(
        String.format("invalid %s '%s': expected %s", option, abbreviate(value, 100), expected));
  }

  /**
   * A VACUUM retention under Delta's 7-day safety minimum without the flag that allows it.
   *
   * @param retention as the user wrote it or as configured, e.g. {@code 3d}
   */
  public static ForecasterException retentionTooShort(String retention, String minimum) {
    return new ForecasterException(
        String.format(
            "refusing to VACUUM with a retention of %s: it is below Delta's safety minimum of %s,"
                + " and files removed from a table more recently than that may still be read by a"
                + " running job, the reader or a time-travel query (deleting them breaks those"
                + " reads, or a write in progress); use --retention %s or more (the default is"
                + " forecaster.maintain.vacuum-retention), or --no-vacuum, or, when nothing reads"
                + " or writes the warehouse during the run, add --allow-short-retention",
            retention, minimum, minimum));
  }

  public static ForecasterException noSuchTable(
      String table, String path, Collection<String> have) {
    return new ForecasterException(
        String.format(
            "no Delta table %s at %s; name tables the warehouse has (%s), or pass the right"
                + " --warehouse",
            table, path, have.isEmpty() ? "none yet" : String.join(", ", have)));
  }

  public static String abbreviate(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
