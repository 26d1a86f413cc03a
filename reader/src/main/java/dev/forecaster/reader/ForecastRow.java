package dev.forecaster.reader;

/**
 * One row of the {@code forecasts} table (INTERFACES.md), as the reader keeps it while building an
 * index. Instants are microseconds since the epoch (Delta's timestamp unit); nullable columns are
 * boxed.
 */
public record ForecastRow(
    long asOfMicros,
    String symbol,
    int horizonMinutes,
    int lookbackDays,
    Double expectedReturn,
    String direction,
    Double confidence,
    Double pUp,
    Long nPoints,
    String modelType,
    String modelName,
    String modelVersion,
    String regime,
    Double regimeScore,
    Features features,
    String fallbackReason,
    String runId,
    Long createdAtMicros) {}
