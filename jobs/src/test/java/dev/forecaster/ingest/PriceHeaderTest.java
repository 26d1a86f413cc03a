package dev.forecaster.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PriceHeaderTest {
  @Test
  void ourFormat() {
    assertEquals(
        new PriceHeader(0, 1, 2, 3, 4, 5, -1, 6),
        PriceHeader.recognise("timestamp,open,high,low,close,volume".split(",")).orElseThrow());
  }

  @Test
  void yahooExportWithAdjCloseAndCapitals() {
    assertEquals(
        new PriceHeader(0, 1, 2, 3, 4, 6, -1, 7),
        PriceHeader.recognise("Date,Open,High,Low,Close,Adj Close,Volume".split(","))
            .orElseThrow());
  }

  @Test
  void columnsInAnotherOrderAndASymbolColumn() {
    assertEquals(
        new PriceHeader(0, 4, 2, 3, 1, 5, 6, 7),
        PriceHeader.recognise("Date,Close,High,Low,Open,Volume,Symbol".split(",")).orElseThrow());
  }

  @Test
  void aMissingPriceColumnIsNotAHeader() {
    assertTrue(PriceHeader.recognise("timestamp,open,high,close".split(",")).isEmpty());
    assertTrue(PriceHeader.recognise("2021-03-04,1,2,0.5,1.5,10".split(",")).isEmpty());
  }
}
