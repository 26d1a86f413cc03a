package dev.forecaster.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import dev.forecaster.config.ForecasterConfig;
import dev.forecaster.errors.Errors;
import dev.forecaster.errors.ForecasterException;
import dev.forecaster.io.WarehouseCatalog;
import dev.forecaster.spark.SparkSessions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sql}: Spark SQL over the warehouse's tables by name, for data scientists. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Spark SQL (with Delta) over the warehouse: every table by its name (SELECT * FROM"
          + " forecasts, DESCRIBE HISTORY prices, SELECT * FROM prices VERSION AS OF 1)."
          + " Tables, keys, columns and example queries: docs/tables.md.",
      "-e runs a query, -f a file of statements separated by ';'; with neither, statements are"
          + " read from the terminal (a prompt; end each with ';', quit with 'exit;' or Ctrl-D) or"
          + " from standard input.",
      "Read-only: queries, DESCRIBE, SHOW, EXPLAIN, SET and temporary views. Statements that"
          + " would change a table (INSERT, UPDATE, DELETE, MERGE, ALTER, DROP TABLE, RESTORE,"
          + " VACUUM, ...) are refused: the pipeline's commands own the tables."
    })
final class SqlCommand implements Callable<Integer> {
  /** Output formats. */
  enum Format {
    table,
    csv,
    json
  }

  @Spec CommandSpec spec;
  @Mixin TableOptions tables;

  @Option(
      names = {"-e", "--execute"},
      paramLabel = "QUERY",
      description = "The statements to run (separated by ';').")
  String execute;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "A file of statements separated by ';'.")
  Path file;

  @Option(
      names = "--format",
      defaultValue = "table",
      description =
          "table (aligned columns), csv (RFC 4180, a header line) or json (one object per line)"
              + " (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--max-rows",
      defaultValue = "200",
      paramLabel = "N",
      description =
          "At most N rows of a result in --format table, whose cells show at most 80 characters"
              + " (0 = all rows; csv and json write every row and character)"
              + " (default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Override
  public Integer call() {
    if (execute != null && file != null) {
      throw Errors.invalidOption("-e and -f", "both given", "one of them (or neither, to type)");
    }
    if (maxRows < 0) {
      throw Errors.invalidOption("--max-rows", Integer.toString(maxRows), "0 or more");
    }
    String script = null;
    if (execute != null) {
      script = execute;
    } else if (file != null) {
      try {
        script = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw Errors.invalidOption("-f", file.toString(), "a readable file of SQL statements");
      }
    }
    ForecasterConfig config = tables.load();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path catalogDir = tempDir();
    SparkSession spark =
        SparkSessions.create(
            "forecaster-sql",
            config,
            // The session's own catalog folder, so nothing lands in the working directory.
            Map.of("spark.sql.warehouse.dir", catalogDir.toUri().toString()));
    try {
      // JSON lines keep a null as null: a missing key reads as a different schema downstream.
      spark.conf().set("spark.sql.jsonGenerator.ignoreNullFields", "false");
      List<String> registered = WarehouseCatalog.register(spark, config);
      if (registered.isEmpty()) {
        throw new ForecasterException(
            "no table under "
                + config.warehouse()
                + ": sql reads the tables the pipeline wrote; pass --warehouse (e.g. demo/warehouse"
                + " after bin/forecaster demo) or run ingest first");
      }
      Runner runner = new Runner(spark, out, format, maxRows);
      if (script != null) {
        for (String statement : SqlStatements.split(script)) {
          runner.run(statement);
        }
        return 0;
      }
      return interactive(runner, registered, out, err);
    } finally {
      spark.stop();
      deleteQuietly(catalogDir);
    }
  }

  /** Reads statements from standard input, with a prompt when it is a terminal. */
  private static int interactive(
      Runner runner, List<String> registered, PrintWriter out, PrintWriter err) {
    boolean terminal = System.console() != null;
    if (terminal) {
      out.println("tables: " + String.join(", ", registered));
      out.println("end a statement with ';'; 'exit;' or Ctrl-D quits; docs/tables.md has examples");
    }
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder buffer = new StringBuilder();
    int failures = 0;
    try {
      while (true) {
        if (terminal) {
          out.print(buffer.isEmpty() ? "forecaster> " : "         -> ");
          out.flush();
        }
        String line = in.readLine();
        if (line == null) {
          break;
        }
        buffer.append(line).append('\n');
        if (!SqlStatements.complete(buffer.toString())) {
          continue;
        }
        List<String> statements = SqlStatements.split(buffer.toString());
        buffer.setLength(0);
        for (String statement : statements) {
          String word = statement.strip().toLowerCase(java.util.Locale.ROOT);
          if (word.equals("exit") || word.equals("quit")) {
            return failures == 0 ? 0 : 1;
          }
          try {
            runner.run(statement);
          } catch (ForecasterException e) {
            // At the prompt a mistake costs one statement, not the session.
            err.println("error: " + e.getMessage());
            err.flush();
            failures++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input", e);
    }
    if (!buffer.toString().isBlank()) {
      for (String statement : SqlStatements.split(buffer.toString())) {
        runner.run(statement);
      }
    }
    return failures == 0 ? 0 : 1;
  }

  /** Runs one statement and prints its result. */
  static final class Runner {
    private final SparkSession spark;
    private final PrintWriter out;
    private final Format format;
    private final int maxRows;

    Runner(SparkSession spark, PrintWriter out, Format format, int maxRows) {
      this.spark = spark;
      this.out = out;
      this.format = format;
      this.maxRows = maxRows;
    }

    void run(String statement) {
      if (!SqlStatements.readOnly(statement)) {
        throw new ForecasterException(
            "refused: '"
                + Errors.abbreviate(statement.strip(), 80)
                + "' would change a table, and sql is read-only (queries, DESCRIBE, SHOW, EXPLAIN,"
                + " SET, temporary views); change tables with the forecaster commands, which keep"
                + " them consistent");
      }
      try {
        print(spark.sql(statement));
      } catch (Exception e) {
        // Spark's own errors (unknown table or column, syntax, a failed cast) are the user's.
        if (e instanceof org.apache.spark.SparkThrowable) {
          String message =
              e instanceof org.apache.spark.sql.AnalysisException a
                  ? a.getSimpleMessage()
                  : e.getMessage();
          throw new ForecasterException(
              "the statement '"
                  + Errors.abbreviate(statement.strip(), 80)
                  + "' failed: "
                  + message
                  + "; docs/tables.md lists every table and column");
        }
        throw e;
      }
    }

    private void print(Dataset<Row> result) {
      if (result.schema().isEmpty()) {
        return;
      }
      switch (format) {
        case json -> {
          for (String line : result.toJSON().collectAsList()) {
            out.println(line);
          }
        }
        case csv -> {
          Dataset<Row> flat = flatten(result);
          out.println(String.join(",", csvCells(List.of(flat.columns()))));
          for (Row r : flat.collectAsList()) {
            out.println(String.join(",", csvCells(cells(r))));
          }
        }
        case table -> {
          Dataset<Row> flat = flatten(result);
          List<Row> rows =
              maxRows == 0 ? flat.collectAsList() : flat.limit(maxRows + 1).collectAsList();
          TablePrinter printer = new TablePrinter(List.of(flat.columns()));
          for (Row r :
              rows.subList(0, maxRows == 0 ? rows.size() : Math.min(rows.size(), maxRows))) {
            printer.add(
                cells(r).stream().map(c -> c == null ? null : Errors.abbreviate(c, 80)).toList());
          }
          printer.print(out);
          if (maxRows > 0 && rows.size() > maxRows) {
            out.printf(
                "(first %d rows shown; --max-rows 0 shows all, --format csv writes every row)%n",
                maxRows);
          } else {
            out.printf("(%d row%s)%n", rows.size(), rows.size() == 1 ? "" : "s");
          }
        }
      }
      out.flush();
    }

    /** Maps, arrays and structs as JSON text: one cell each. */
    private static Dataset<Row> flatten(Dataset<Row> result) {
      List<Column> columns = new ArrayList<>();
      boolean nested = false;
      for (StructField f : result.schema().fields()) {
        boolean complex =
            f.dataType() instanceof MapType
                || f.dataType() instanceof ArrayType
                || f.dataType() instanceof StructType;
        nested |= complex;
        columns.add(
            complex ? to_json(col("`" + f.name() + "`")).as(f.name()) : col("`" + f.name() + "`"));
      }
      return nested ? result.select(columns.toArray(new Column[0])) : result;
    }

    private static List<String> cells(Row r) {
      List<String> cells = new ArrayList<>(r.length());
      for (int i = 0; i < r.length(); i++) {
        Object v = r.get(i);
        cells.add(
            v == null
                ? null
                : v instanceof Timestamp ts ? ts.toInstant().toString() : String.valueOf(v));
      }
      return cells;
    }

    private static List<String> csvCells(List<String> cells) {
      List<String> quoted = new ArrayList<>(cells.size());
      for (String c : cells) {
        if (c == null) {
          quoted.add("");
        } else if (c.indexOf(',') >= 0
            || c.indexOf('"') >= 0
            || c.indexOf('\n') >= 0
            || c.indexOf('\r') >= 0) {
          quoted.add('"' + c.replace("\"", "\"\"") + '"');
        } else {
          quoted.add(c);
        }
      }
      return quoted;
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("forecaster-sql-catalog");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder", e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a leftover empty folder in the temp directory is harmless
    }
  }
}
