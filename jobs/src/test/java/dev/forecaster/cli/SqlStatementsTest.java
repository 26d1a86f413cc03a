package dev.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlStatementsTest {
  @Test
  void splitsAtSemicolonsOutsideQuotesAndComments() {
    assertEquals(
        List.of(
            "SELECT 'a;b' AS s",
            "SELECT `x;y` FROM t -- c;d\n WHERE 1 = 1",
            "/* e; */ SELECT \"f;g\""),
        SqlStatements.split(
            "SELECT 'a;b' AS s; SELECT `x;y` FROM t -- c;d\n WHERE 1 = 1;\n"
                + "/* e; */ SELECT \"f;g\";  ;\n-- only a comment\n"));
    assertEquals(List.of("SELECT 'it\\'s'"), SqlStatements.split("SELECT 'it\\'s';"));
  }

  @Test
  void aStatementIsCompleteAtASemicolonOutsideQuotesAndComments() {
    assertTrue(SqlStatements.complete("SELECT 1;\n"));
    assertTrue(SqlStatements.complete("SELECT 1; -- done\n"));
    assertTrue(SqlStatements.complete("   \n"));
    assertFalse(SqlStatements.complete("SELECT 1\n"));
    assertFalse(SqlStatements.complete("SELECT 'a;\n"));
    assertFalse(SqlStatements.complete("SELECT 1 /* ;\n"));
    assertFalse(SqlStatements.complete("SELECT 1 -- ;\n"));
  }

  @Test
  void onlyQueriesDescriptionsSettingsAndTemporaryViewsAreReadOnly() {
    for (String ok :
        List.of(
            "SELECT * FROM forecasts",
            "  -- why\n with x AS (SELECT 1) SELECT * FROM x",
            "DESCRIBE HISTORY prices",
            "desc forecasts",
            "SHOW TABLES",
            "EXPLAIN SELECT 1",
            "SET spark.sql.shuffle.partitions = 2",
            "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1",
            "(SELECT 1) UNION (SELECT 2)")) {
      assertTrue(SqlStatements.readOnly(ok), ok);
    }
    for (String write :
        List.of(
            "DELETE FROM forecasts",
            "update prices SET close = 0",
            "INSERT INTO alerts SELECT * FROM alerts",
            "MERGE INTO prices USING x ON true WHEN MATCHED THEN DELETE",
            "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
            "DROP TABLE forecasts",
            "ALTER TABLE prices ADD COLUMNS (x INT)",
            "CREATE TABLE t AS SELECT 1",
            "RESTORE TABLE prices TO VERSION AS OF 0",
            "VACUUM prices",
            "OPTIMIZE prices",
            "TRUNCATE TABLE prices")) {
      assertFalse(SqlStatements.readOnly(write), write);
    }
  }
}
