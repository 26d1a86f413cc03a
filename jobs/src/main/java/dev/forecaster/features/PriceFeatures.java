package dev.forecaster.features;

import static dev.forecaster.schema.Columns.*;
import static org.apache.spark.sql.functions.*;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The 11 price features of FORECASTING.md section 2 for every (symbol, as-of) of a grid: the daily
 * grid {@code d_0 .. d_30} and the lookback count come from {@link AsOfPrices}, the arithmetic from
 * {@link PriceMath}.
 */
public final class PriceFeatures {
  static final long DAY = 86_400L;

  /** An as-of instant in epoch seconds. */
  public static final String T0 = "_t0";

  private static final String J = "_j";
  private static final String GRID_MAP = "_d";
  private static final String GRID_ARRAY = "_d_array";
  private static final String KNOWN_AT_T = "_known_t";
  private static final String KNOWN_AT_T_MINUS_L = "_known_l";

  public static final StructType SCHEMA =
      new StructType()
          .add(SYMBOL, DataTypes.StringType, false)
          .add(AS_OF, DataTypes.TimestampType, false)
          .add(LOOKBACK_DAYS, DataTypes.IntegerType, false)
          .add(PRICE_N_POINTS, DataTypes.LongType)
          .add(PRICE_R_1D, DataTypes.DoubleType)
          .add(PRICE_R_3D, DataTypes.DoubleType)
          .add(PRICE_R_7D, DataTypes.DoubleType)
          .add(PRICE_R_14D, DataTypes.DoubleType)
          .add(PRICE_R_30D, DataTypes.DoubleType)
          .add(PRICE_VOL_3D, DataTypes.DoubleType)
          .add(PRICE_VOL_7D, DataTypes.DoubleType)
          .add(PRICE_VOL_30D, DataTypes.DoubleType)
          .add(PRICE_ZSCORE_1D, DataTypes.DoubleType)
          .add(PRICE_MAX_DRAWDOWN_30D, DataTypes.DoubleType);

  private PriceFeatures() {}

  /**
   * Price features for each (symbol, _t0) of {@code grid}.
   *
   * @param candles {@link AsOfPrices#candles} of the prices table
   * @param grid (symbol, _t0): the as-of instants, epoch seconds
   */
  public static Dataset<Row> compute(
      Dataset<Row> candles, Dataset<Row> grid, int lookbackDays, long stalenessSeconds) {
    return compute(candles, grid, lookbackDays, stalenessSeconds, false);
  }

  /**
   * The same; with {@code sameTimeOfDay} (every as-of of the grid at one time of day, {@link
   * AsOfPrices#dailyResidue}) every instant asked is on one daily series per symbol, from the first
   * as-of minus max(L, 30) days to the last as-of. P* is then read once per symbol and day of that
   * series, and {@code d_j} and the count at t - L are the values j and L rows earlier: about a
   * fortieth of the rows of asking every (as-of, j) pair and gathering them back.
   */
  public static Dataset<Row> compute(
      Dataset<Row> candles,
      Dataset<Row> grid,
      int lookbackDays,
      long stalenessSeconds,
      boolean sameTimeOfDay) {
    if (sameTimeOfDay) {
      return fromDailySeries(candles, grid, lookbackDays, stalenessSeconds);
    }
    List<Column> offsets = new ArrayList<>();
    offsets.add(lit(-1)); // -1 stands for t - L days, where the lookback count starts
    for (int j = 0; j < PriceMath.GRID; j++) {
      offsets.add(lit(j));
    }
    Dataset<Row> queries =
        grid.select(col(SYMBOL), col(T0))
            .withColumn(J, explode(array(offsets.toArray(Column[]::new))))
            .withColumn(
                AsOfPrices.AT_S,
                when(col(J).equalTo(-1), col(T0).minus(lookbackDays * DAY))
                    .otherwise(col(T0).minus(col(J).multiply(DAY))));
    Dataset<Row> prices =
        AsOfPrices.at(candles, queries.select(SYMBOL, AsOfPrices.AT_S), stalenessSeconds);
    Dataset<Row> perAsOf =
        queries
            .join(prices, new String[] {SYMBOL, AsOfPrices.AT_S})
            .groupBy(SYMBOL, T0)
            .agg(
                map_from_entries(
                        collect_list(
                            when(
                                col(J).geq(0).and(col(AsOfPrices.PRICE).isNotNull()),
                                struct(col(J), col(AsOfPrices.PRICE)))))
                    .as(GRID_MAP),
                max(when(col(J).equalTo(0), col(AsOfPrices.KNOWN))).as(KNOWN_AT_T),
                max(when(col(J).equalTo(-1), col(AsOfPrices.KNOWN))).as(KNOWN_AT_T_MINUS_L));
    return perAsOf.map(
        (MapFunction<Row, Row>) r -> toFeatures(r, lookbackDays), Encoders.row(SCHEMA));
  }

  private static Dataset<Row> fromDailySeries(
      Dataset<Row> candles, Dataset<Row> grid, int lookbackDays, long stalenessSeconds) {
    // Every t0 - j days and t0 - L days is a day of this series: "j rows earlier" is "j days
    // earlier".
    Dataset<Row> series = AsOfPrices.dailySeries(grid, Math.max(lookbackDays, PriceMath.GRID - 1));
    WindowSpec byDay = Window.partitionBy(SYMBOL).orderBy(AsOfPrices.AT_S);
    Column[] d = new Column[PriceMath.GRID];
    for (int j = 0; j < d.length; j++) {
      d[j] = lag(col(AsOfPrices.PRICE), j).over(byDay);
    }
    Dataset<Row> lagged =
        AsOfPrices.at(candles, series, stalenessSeconds)
            .select(
                col(SYMBOL),
                col(AsOfPrices.AT_S).as(T0),
                array(d).as(GRID_ARRAY),
                col(AsOfPrices.KNOWN).as(KNOWN_AT_T),
                lag(col(AsOfPrices.KNOWN), lookbackDays).over(byDay).as(KNOWN_AT_T_MINUS_L));
    return grid.select(SYMBOL, T0)
        .join(lagged, new String[] {SYMBOL, T0})
        .map(
            (MapFunction<Row, Row>)
                r -> {
                  List<Double> values = r.getList(r.fieldIndex(GRID_ARRAY));
                  return toFeatures(r, values.toArray(Double[]::new), lookbackDays);
                },
            Encoders.row(SCHEMA));
  }

  private static Row toFeatures(Row r, int lookbackDays) {
    Map<Integer, Double> grid = r.getJavaMap(r.fieldIndex(GRID_MAP));
    Double[] d = new Double[PriceMath.GRID];
    for (int j = 0; j < d.length; j++) {
      d[j] = grid.get(j);
    }
    return toFeatures(r, d, lookbackDays);
  }

  /** The features from d_0 .. d_30 and the counts of {@code r}. */
  private static Row toFeatures(Row r, Double[] d, int lookbackDays) {
    long nPoints =
        r.getLong(r.fieldIndex(KNOWN_AT_T)) - r.getLong(r.fieldIndex(KNOWN_AT_T_MINUS_L));
    return RowFactory.create(
        r.getString(r.fieldIndex(SYMBOL)),
        new Timestamp(r.getLong(r.fieldIndex(T0)) * 1000),
        lookbackDays,
        nPoints,
        PriceMath.ret(d, 1),
        PriceMath.ret(d, 3),
        PriceMath.ret(d, 7),
        PriceMath.ret(d, 14),
        PriceMath.ret(d, 30),
        PriceMath.vol(d, 3),
        PriceMath.vol(d, 7),
        PriceMath.vol(d, 30),
        PriceMath.zscore1d(d),
        PriceMath.maxDrawdown30d(d));
  }
}
