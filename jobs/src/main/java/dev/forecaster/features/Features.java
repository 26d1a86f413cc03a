package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one feature code path (FORECASTING.md sections 1-2) that training, the backtest and the
 * nightly forecast all call: prices, events and as-of instants in, one row per (symbol, as_of,
 * lookback_days) with the 17 features out. Nulls stay null.
 */
public final class Features {
  private Features() {}

  /**
   * @param prices the prices table (or any slice of it holding the history the as-ofs need)
   * @param events the events table (or a slice)
   * @param asOfs a frame with one column {@code as_of} (timestamp)
   * @param lookbackDays L
   * @param stalenessSeconds S
   */
  public static Dataset<Row> compute(
      Dataset<Row> prices,
      Dataset<Row> events,
      Dataset<Row> asOfs,
      int lookbackDays,
      long stalenessSeconds) {
    return compute(prices, events, asOfs, lookbackDays, stalenessSeconds, OptionalLong.empty());
  }

  /**
   * The same, faster when every as-of is at the same time of day ({@link AsOfPrices#dailyResidue}):
   * P* is then read from the last candle of each day.
   */
  public static Dataset<Row> compute(
      Dataset<Row> prices,
      Dataset<Row> events,
      Dataset<Row> asOfs,
      int lookbackDays,
      long stalenessSeconds,
      OptionalLong dailyResidue) {
    Dataset<Row> candles = AsOfPrices.forQueriesAt(AsOfPrices.candles(prices), dailyResidue);
    Dataset<Row> grid = AsOfPrices.grid(candles, asOfs);
    Dataset<Row> price =
        PriceFeatures.compute(
            candles, grid, lookbackDays, stalenessSeconds, dailyResidue.isPresent());
    Dataset<Row> event = EventFeatures.compute(events, grid, lookbackDays, dailyResidue);
    return price
        .withColumn(PriceFeatures.T0, unix_seconds(col(AS_OF)))
        .join(event, new String[] {SYMBOL, PriceFeatures.T0})
        .select(columns());
  }

  /** The columns of a feature row: symbol, as-of, lookback, then the 17 features. */
  public static Column[] columns() {
    List<Column> columns = new ArrayList<>(List.of(col(SYMBOL), col(AS_OF), col(LOOKBACK_DAYS)));
    FEATURES.forEach(f -> columns.add(col(f)));
    return columns.toArray(Column[]::new);
  }
}
