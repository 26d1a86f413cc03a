package dev.forecaster.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forecaster.TestSpark;
import dev.forecaster.errors.ForecasterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestPricesTest {
  @TempDir Path tmp;

  @Test
  void acceptsOurFormatAndCommonExports() {
    IngestFixture f = new IngestFixture(tmp);
    f.write(
        "landing/BTC-USD.csv",
        "timestamp,open,high,low,close,volume",
        "2021-03-01T00:00:00Z,100,110,90,105,1000",
        "2021-03-02T00:00:00Z,105,120,100,118,2000");
    f.write(
        "landing/ETH-USD.csv",
        "Date,Open,High,Low,Close,Adj Close,Volume",
        "2021-03-01,10,11,9,10.5,10.5,300",
        "2021-03-02,10.5,12,10,11.5,11.5,400");
    // Columns in another order, epoch seconds (1614556800 = 2021-03-01T00:00Z), an extra column
    f.write(
        "landing/XMR-USD.csv",
        "Date,Close,High,Low,Open,Volume,Notes",
        "1614556800,2.5,3,1.5,2,50,first",
        "1614643200,2.75,3.5,2.25,2.5,60,second");
    // A symbol column, epoch milliseconds and an offset
    f.write(
        "landing/mixed.csv",
        "symbol,timestamp,open,high,low,close,volume",
        "sol-usd,1614556800000,1,2,0.5,1.5,7",
        "SOL-USD,2021-03-02T01:00:00+01:00,1.5,2,1,1.75,8");
    IngestReport report = f.ingest(tmp.resolve("landing"), null);

    assertEquals(8, report.total("prices", IngestReport.FileCounts::accepted));
    List<Row> xmr =
        f.sql(
            "SELECT open, high, low, close, volume, bar_seconds FROM prices"
                + " WHERE symbol = 'XMR-USD' ORDER BY open_time");
    assertEquals(
        List.of(
            RowFactory.create(2.0, 3.0, 1.5, 2.5, 50.0, 86_400L),
            RowFactory.create(2.5, 3.5, 2.25, 2.75, 60.0, 86_400L)),
        xmr);
    assertEquals(
        List.of(RowFactory.create(10.5), RowFactory.create(11.5)),
        f.sql("SELECT close FROM prices WHERE symbol = 'ETH-USD' ORDER BY open_time"));
    assertEquals(
        List.of(
            RowFactory.create("2021-03-01 00:00:00", "2021-03"),
            RowFactory.create("2021-03-02 00:00:00", "2021-03")),
        f.sql(
            "SELECT date_format(open_time, 'yyyy-MM-dd HH:mm:ss'), open_month FROM prices"
                + " WHERE symbol = 'SOL-USD' ORDER BY open_time"));
    Row lineage =
        f.sql(
                "SELECT source_file, line_number FROM prices WHERE symbol = 'BTC-USD' AND close = 118")
            .get(0);
    assertTrue(lineage.getString(0).endsWith("landing/BTC-USD.csv"));
    assertEquals(3L, lineage.getLong(1));
  }

  @Test
  void eachBadRowGoesToQuarantineWithLineAndReason() {
    IngestFixture f = new IngestFixture(tmp);
    Path file =
        f.write(
            "BTC-USD.csv",
            "timestamp,open,high,low,close,volume",
            "2021-03-01T00:00:00Z,10,12,9,11,100",
            "2021-03-02T00:00:00Z,11,13,10,12,100",
            "not-a-date,11,13,10,12,100",
            "2021-03-04T00:00:00Z,,13,10,12,100",
            "2021-03-05T00:00:00Z,-1,13,10,12,100",
            "2021-03-06T00:00:00Z,11,NaN,10,12,100",
            "2021-03-07T00:00:00Z,11,9,10,9.5,100",
            "2021-03-08T00:00:00Z,14,13,10,12,100",
            "2021-03-09T00:00:00Z,11,13,10,9,100",
            "2021-03-10T00:00:00Z,11,13,10,12,-5",
            "2030-01-01T00:00:00Z,11,13,10,12,100",
            // 13.000001 > high 13, but within the 1e-6 relative tolerance (13.000013): accepted
            "2021-03-11T00:00:00Z,13.000001,13,10,12,100",
            "2021-03-12T00:00:00Z,abc,13,10,12,100",
            // a daily candle opened 12:00 on 2025-12-31 closes after the clock (2026-01-01T00:00)
            "2025-12-31T12:00:00Z,11,13,10,12,100",
            // a daily candle opened 2025-12-31T00:00 closes exactly at the clock: accepted
            "2025-12-31T00:00:00Z,11,13,10,12,100",
            // two more days make 1 d the most common gap (the 12 h above occurs once)
            "2021-03-13T00:00:00Z,11,13,10,12,100",
            "2021-03-14T00:00:00Z,11,13,10,12,100");
    IngestReport report = f.ingest(file, null);

    IngestReport.FileCounts c = IngestFixture.counts(report, "BTC-USD.csv");
    assertEquals(17, c.read());
    assertEquals(6, c.accepted());
    assertEquals(0, c.duplicates());
    assertEquals(11, c.quarantined());
    Map<Long, String> reasons = new TreeMap<>();
    for (Row r : f.sql("SELECT line_number, reason, `table` FROM quarantine")) {
      assertEquals("prices", r.getString(2));
      reasons.put(r.getLong(0), r.getString(1));
    }
    Map<Long, String> expected = new TreeMap<>();
    expected.put(
        4L,
        "unparseable timestamp 'not-a-date' (expected ISO-8601 such as 2025-12-12T00:00:00Z, a"
            + " date, or epoch seconds/ms)");
    expected.put(5L, "missing open");
    expected.put(6L, "non-positive or NaN open");
    expected.put(7L, "non-positive or NaN high");
    expected.put(8L, "high below low");
    expected.put(9L, "open outside [low, high]");
    expected.put(10L, "close outside [low, high]");
    expected.put(11L, "negative or NaN volume");
    expected.put(12L, "timestamp in the future");
    expected.put(14L, "unparseable open 'abc'");
    expected.put(15L, "candle not closed at ingestion time");
    assertEquals(expected, reasons);
    assertEquals(
        List.of(RowFactory.create("2021-03-08T00:00:00Z,14,13,10,12,100")),
        f.sql("SELECT raw FROM quarantine WHERE line_number = 9"));
  }

  @Test
  void identicalDuplicatesCollapseAndConflictingOnesAreAllQuarantined() {
    IngestFixture f = new IngestFixture(tmp);
    f.write(
        "in/a.csv",
        "symbol,timestamp,open,high,low,close,volume",
        "BTC-USD,2021-03-01,10,12,9,11,100",
        "BTC-USD,2021-03-01,10,12,9,11,100",
        "BTC-USD,2021-03-02,11,13,10,12,100");
    f.write(
        "in/b.csv",
        "symbol,timestamp,open,high,low,close,volume",
        "BTC-USD,2021-03-02,11,13,10,12.5,100",
        "BTC-USD,2021-03-03,12,14,11,13,100");
    IngestReport report = f.ingest(tmp.resolve("in"), null);

    IngestReport.FileCounts a = IngestFixture.counts(report, "a.csv");
    IngestReport.FileCounts b = IngestFixture.counts(report, "b.csv");
    assertEquals(
        List.of(3L, 1L, 1L, 1L), List.of(a.read(), a.accepted(), a.duplicates(), a.quarantined()));
    assertEquals(
        List.of(2L, 1L, 0L, 1L), List.of(b.read(), b.accepted(), b.duplicates(), b.quarantined()));
    assertEquals(
        List.of(RowFactory.create("2021-03-01", 11.0), RowFactory.create("2021-03-03", 13.0)),
        f.sql("SELECT date_format(open_time, 'yyyy-MM-dd'), close FROM prices ORDER BY open_time"));
    List<Row> conflicts =
        f.sql("SELECT source_file, line_number, reason FROM quarantine ORDER BY source_file");
    assertEquals(2, conflicts.size());
    for (Row r : conflicts) {
      assertEquals(
          "conflicting duplicate: 2 different rows for the same (symbol, open_time)",
          r.getString(2));
    }
  }

  @Test
  void reIngestingTheSameFilesLeavesTheTablesUnchanged() {
    IngestFixture f = new IngestFixture(tmp);
    Path file =
        f.write(
            "BTC-USD.csv",
            "timestamp,open,high,low,close,volume",
            "2021-03-01T00:00:00Z,10,12,9,11,100",
            "2021-03-02T00:00:00Z,11,13,10,12,100",
            "2021-03-03T00:00:00Z,11,9,10,12,100");
    f.ingest(file, null);
    List<Row> prices = f.table("prices").collectAsList();
    List<Row> quarantine = f.table("quarantine").collectAsList();

    IngestReport again = f.ingest(file, null);

    assertEquals(0, again.tables().get("prices").inserted());
    assertEquals(0, again.tables().get("prices").updated());
    TestSpark.assertSameRows(
        TestSpark.session().createDataFrame(prices, f.table("prices").schema()), f.table("prices"));
    TestSpark.assertSameRows(
        TestSpark.session().createDataFrame(quarantine, f.table("quarantine").schema()),
        f.table("quarantine"));
  }

  @Test
  void aCorrectedValueUpdatesItsRowAndHistoryKeepsTheOldOne() {
    IngestFixture f = new IngestFixture(tmp);
    f.write(
        "v1/BTC-USD.csv",
        "timestamp,open,high,low,close,volume",
        "2021-03-01T00:00:00Z,10,12,9,11,100",
        "2021-03-02T00:00:00Z,11,13,10,12,100");
    f.write(
        "v2/BTC-USD.csv",
        "timestamp,open,high,low,close,volume",
        "2021-03-01T00:00:00Z,10,12,9,11,100",
        "2021-03-02T00:00:00Z,11,13,10,12.5,100");
    f.ingest(tmp.resolve("v1"), null);
    long before = f.warehouse.currentVersion("prices");

    IngestReport report = f.ingest(tmp.resolve("v2"), null);

    assertEquals(0, report.tables().get("prices").inserted());
    assertEquals(1, report.tables().get("prices").updated());
    assertEquals(
        List.of(RowFactory.create(11.0), RowFactory.create(12.5)),
        f.sql("SELECT close FROM prices ORDER BY open_time"));
    List<Row> old =
        TestSpark.session()
            .read()
            .format("delta")
            .option("versionAsOf", before)
            .load(f.warehouse.path("prices"))
            .orderBy("open_time")
            .select("close")
            .collectAsList();
    assertEquals(List.of(RowFactory.create(11.0), RowFactory.create(12.0)), old);
  }

  @Test
  void anUnreadableFileFailsTheRunAndWritesNothing() throws Exception {
    IngestFixture f = new IngestFixture(tmp);
    f.write(
        "good/BTC-USD.csv",
        "timestamp,open,high,low,close,volume",
        "2021-03-01T00:00:00Z,10,12,9,11,100",
        "2021-03-02T00:00:00Z,10,12,9,11,100");
    f.write(
        "events/e.csv",
        "event_id,timestamp,source,title,symbols,is_ai",
        "a1,2021-03-01T10:00:00Z,CoinDesk,Up,BTC-USD,false");
    f.ingest(tmp.resolve("good"), tmp.resolve("events/e.csv"));
    Map<String, Long> versions = f.warehouse.versions("prices", "events", "quarantine");
    List<Row> prices = f.table("prices").collectAsList();

    Path landing = tmp.resolve("landing");
    f.write(
        "landing/ETH-USD.csv",
        "timestamp,open,high,low,close,volume",
        "2021-03-01T00:00:00Z,1,2,0.5,1,5",
        "2021-03-02T00:00:00Z,1,2,0.5,1,5");
    Files.write(landing.resolve("XMR-USD.csv"), new byte[0]);
    ForecasterException empty =
        assertThrows(
            ForecasterException.class, () -> f.ingest(landing, tmp.resolve("events/e.csv")));
    assertTrue(empty.getMessage().contains("XMR-USD.csv: the file is empty"), empty.getMessage());
    assertTrue(empty.getMessage().contains("Nothing from this run was written"));

    Files.write(landing.resolve("XMR-USD.csv"), new byte[] {'P', 'K', 3, 4, 0, 0, 1});
    ForecasterException binary =
        assertThrows(ForecasterException.class, () -> f.ingest(landing, null));
    assertTrue(binary.getMessage().contains("XMR-USD.csv: it is binary"), binary.getMessage());

    f.write("landing/XMR-USD.csv", "when,price", "2021-03-01,1");
    ForecasterException header =
        assertThrows(ForecasterException.class, () -> f.ingest(landing, null));
    assertTrue(
        header.getMessage().contains("XMR-USD.csv: no recognisable header (line 1: 'when,price')"),
        header.getMessage());
    assertTrue(header.getMessage().contains(PriceHeader.EXPECTED));

    assertEquals(versions, f.warehouse.versions("prices", "events", "quarantine"));
    TestSpark.assertSameRows(
        TestSpark.session().createDataFrame(prices, f.table("prices").schema()), f.table("prices"));
  }

  @Test
  void barLengthIsInferredDeclaredOrInheritedAndOneSymbolKeepsOneBar() {
    IngestFixture f = new IngestFixture(tmp);
    f.write(
        "hourly/BTC-USD.csv",
        "timestamp,open,high,low,close,volume",
        "2021-03-01T00:00:00Z,10,12,9,11,1",
        "2021-03-01T01:00:00Z,10,12,9,11,1",
        "2021-03-01T02:00:00Z,10,12,9,11,1",
        // a missing candle: one 2 h gap does not change the most common gap
        "2021-03-01T04:00:00Z,10,12,9,11,1");
    f.write(
        "declared/ETH-USD.csv",
        "timestamp,open,high,low,close,volume",
        "2021-03-01T00:00:00Z,1,2,0.5,1,5");
    f.ingest(tmp.resolve("hourly"), null);
    f.ingest(tmp.resolve("declared"), null, OptionalLong.of(14_400));
    assertEquals(
        List.of(RowFactory.create("BTC-USD", 3_600L), RowFactory.create("ETH-USD", 14_400L)),
        f.sql("SELECT DISTINCT symbol, bar_seconds FROM prices ORDER BY symbol"));

    // A single new candle inherits the stored bar; one for an unknown symbol cannot be placed
    // when the stored symbols have different bars (hourly and 4-hourly here).
    f.write(
        "night/BTC-USD.csv",
        "timestamp,open,high,low,close,volume",
        "2021-03-01T05:00:00Z,10,12,9,11,1");
    f.write(
        "night/SOL-USD.csv",
        "timestamp,open,high,low,close,volume",
        "2021-03-01T05:00:00Z,10,12,9,11,1");
    IngestReport night = f.ingest(tmp.resolve("night"), null);
    assertEquals(1, IngestFixture.counts(night, "BTC-USD.csv").accepted());
    assertEquals(
        Map.of(
            "cannot infer bar length: a single candle of this symbol, none stored yet, and the"
                + " stored symbols have no single bar; pass --bar",
            1L),
        IngestFixture.counts(night, "SOL-USD.csv").quarantinedByReason());
    assertEquals(
        List.of(RowFactory.create(5L, 3_600L)),
        f.sql("SELECT count(*), max(bar_seconds) FROM prices WHERE symbol = 'BTC-USD'"));

    // Daily candles for a symbol stored hourly would mix two series: the run fails, nothing
    // written.
    long version = f.warehouse.currentVersion("prices");
    f.write(
        "daily/BTC-USD.csv",
        "timestamp,open,high,low,close,volume",
        "2021-03-02T00:00:00Z,10,12,9,11,1",
        "2021-03-03T00:00:00Z,10,12,9,11,1");
    ForecasterException e =
        assertThrows(ForecasterException.class, () -> f.ingest(tmp.resolve("daily"), null));
    assertTrue(e.getMessage().contains("bar of 86400 s"), e.getMessage());
    assertTrue(e.getMessage().contains("[3600]"), e.getMessage());
    assertEquals(version, f.warehouse.currentVersion("prices"));
  }
}
