package io.noxus.secretsagent.output;

import io.noxus.secretsagent.testsupport.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderLockTest {
    @Test
    void createsThePrivateStateFolderAndLocks(@TempDir Path dir) throws Exception {
        ManualClock time = new ManualClock();
        Path lockFile = dir.resolve("state/render.lock");
        try (RenderLock lock = RenderLock.acquire(lockFile, Duration.ofSeconds(1), time, time::sleep)) {
            assertThat(Files.getPosixFilePermissions(lockFile.getParent()).toString()).doesNotContain("GROUP", "OTHERS");
        }
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void givesUpAfterTheTimeoutWhileAnotherHolderKeepsTheLock(@TempDir Path dir) {
        ManualClock time = new ManualClock();
        Path lockFile = dir.resolve("render.lock");
        try (RenderLock first = RenderLock.acquire(lockFile, Duration.ofSeconds(1), time, time::sleep)) {
            assertThatThrownBy(() -> RenderLock.acquire(lockFile, Duration.ofSeconds(2), time, time::sleep))
                    .isInstanceOf(OutputException.class)
                    .hasMessage(lockFile + ": another render or the daemon still holds the lock after 2 s; try again, "
                            + "or raise --lock-timeout");
        }
        assertThat(time.sleeps().stream().mapToLong(Duration::toMillis).sum()).isEqualTo(2000);
        try (RenderLock again = RenderLock.acquire(lockFile, Duration.ofSeconds(1), time, time::sleep)) {
            assertThat(again).isNotNull();
        }
    }
}
