package dev.forecaster.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestEventsTest {
  @TempDir Path tmp;

  @Test
  void csvAndJsonLinesWithEveryRule() {
    IngestFixture f = new IngestFixture(tmp);
    f.write(
        "events/news.csv",
        "event_id,timestamp,source,title,symbols,is_ai",
        "e1,2021-03-01T10:00:00Z,CoinDesk,\"Bitcoin, again: \"\"up\"\"\",BTC-USD;ETH-USD,false",
        "e2,2021-03-01T11:00:00Z,Decrypt,Market-wide news,,true",
        "e2,2021-03-01T11:00:00Z,Decrypt,Market-wide news,,true",
        "e3,2021-03-01T12:00:00Z,Decrypt,First version,BTC-USD,false",
        "e3,2021-03-01T12:00:00Z,Decrypt,Second version,BTC-USD,false",
        "e4,2030-01-01T00:00:00Z,Decrypt,From the future,BTC-USD,false",
        "e5,2021-03-01T13:00:00Z,Decrypt,Bad flag,BTC-USD,maybe",
        "e6,2021-03-01T14:00:00Z,,No source,BTC-USD,false");
    f.write(
        "events/more.jsonl",
        "{\"timestamp\": \"2010-05-22T00:00:00Z\", \"source\": \"happybitcoinpizzaday.com\","
            + " \"title\": \"Bitcoin Pizza Day\", \"symbols\": [\"btc-usd\"], \"is_ai\": false}",
        "{\"event_id\": \"j2\", \"ts\": \"2021-03-02\", \"source\": \"Reuters\", \"title\": \"T\","
            + " \"symbols\": \"XRP-USD;SOL-USD\"}",
        "{not json");
    IngestReport report = f.ingest(null, tmp.resolve("events"));

    IngestReport.FileCounts csv = IngestFixture.counts(report, "news.csv");
    assertEquals(
        List.of(8L, 2L, 1L, 5L),
        List.of(csv.read(), csv.accepted(), csv.duplicates(), csv.quarantined()));
    assertEquals(
        Map.of(
            "conflicting duplicate: 2 different rows for the same event_id", 2L,
            "timestamp in the future", 1L,
            "unparseable is_ai 'maybe'", 1L,
            "missing source", 1L),
        csv.quarantinedByReason());
    IngestReport.FileCounts json = IngestFixture.counts(report, "more.jsonl");
    assertEquals(
        List.of(3L, 2L, 0L, 1L),
        List.of(json.read(), json.accepted(), json.duplicates(), json.quarantined()));

    // 11d4b6a4025f48a2 is the id the shared data pack gives this event (SHA-1 of "ts|title").
    List<Row> rows =
        f.sql(
            "SELECT event_id, date_format(ts, 'yyyy-MM-dd HH:mm'), source, title,"
                + " array_join(symbols, ';'), is_ai FROM events ORDER BY ts");
    assertEquals(
        List.of(
            RowFactory.create(
                "11d4b6a4025f48a2",
                "2010-05-22 00:00",
                "happybitcoinpizzaday.com",
                "Bitcoin Pizza Day",
                "BTC-USD",
                false),
            RowFactory.create(
                "e1",
                "2021-03-01 10:00",
                "CoinDesk",
                "Bitcoin, again: \"up\"",
                "BTC-USD;ETH-USD",
                false),
            RowFactory.create("e2", "2021-03-01 11:00", "Decrypt", "Market-wide news", "", true),
            RowFactory.create("j2", "2021-03-02 00:00", "Reuters", "T", "XRP-USD;SOL-USD", false)),
        rows);
    assertEquals(
        List.of(RowFactory.create("events", 3L)),
        f.sql("SELECT `table`, line_number FROM quarantine WHERE source_file LIKE '%more.jsonl'"));
  }
}
