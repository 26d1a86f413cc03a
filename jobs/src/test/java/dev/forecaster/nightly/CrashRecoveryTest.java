package dev.forecaster.nightly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CrashRecovery} with one SIGKILL at a random moment of one command, the nightly or the
 * monthly retrain, chosen by the seed: each run of the suite costs one command's kill and re-run,
 * and runs cover both. The seed is printed; {@code -Dforecaster.crash.seed} replays it, {@code
 * -Dforecaster.crash.commands=nightly,retrain} kills both, {@code -Dforecaster.crash.kills} makes
 * more rounds ({@code bench/crash.sh} runs several).
 */
class CrashRecoveryTest {
  @TempDir Path work;

  @Test
  void aKilledCommandReRunsToTheTablesOfAnUninterruptedRun() throws Exception {
    long seed = Long.getLong("forecaster.crash.seed", System.nanoTime());
    int kills = Integer.getInteger("forecaster.crash.kills", 1);
    String configured = System.getProperty("forecaster.crash.commands");
    List<String> commands =
        configured != null
            ? List.of(configured.split(","))
            : List.of(
                CrashRecovery.COMMANDS.get(Math.floorMod(seed, CrashRecovery.COMMANDS.size())));
    System.out.println("crash harness seed " + seed + ", commands " + commands);
    CrashRecovery.Result r = new CrashRecovery(work, System.out).run(kills, seed, commands);
    assertEquals(commands.size() * kills, r.reruns());
    assertTrue(!r.kills().isEmpty(), "at least one command was killed before it finished");
    assertEquals(0, r.differences(), "tables after kills and re-runs vs an uninterrupted run");
  }
}
