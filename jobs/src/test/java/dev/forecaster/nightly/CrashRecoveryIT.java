package dev.forecaster.nightly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CrashRecovery} with one SIGKILL of the nightly and one of the monthly retrain at random
 * moments (the seed is printed; {@code -Dforecaster.crash.seed} replays it, {@code
 * -Dforecaster.crash.kills} makes more; {@code bench/crash.sh} runs several).
 */
class CrashRecoveryIT {
  @TempDir Path work;

  @Test
  void killedNightlyAndRetrainReRunToTheTablesOfAnUninterruptedRun() throws Exception {
    long seed = Long.getLong("forecaster.crash.seed", System.nanoTime());
    int kills = Integer.getInteger("forecaster.crash.kills", 1);
    System.out.println("crash harness seed " + seed);
    CrashRecovery.Result r = new CrashRecovery(work, System.out).run(kills, seed);
    assertEquals(2 * kills, r.reruns());
    assertTrue(!r.kills().isEmpty(), "at least one command was killed before it finished");
    assertEquals(0, r.differences(), "tables after kills and re-runs vs an uninterrupted run");
  }
}
