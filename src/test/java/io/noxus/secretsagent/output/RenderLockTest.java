package io.noxus.secretsagent.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderLockTest {
    /** A clock that the sleeper moves forward: waiting costs no wall time. */
    static final class FakeTime extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        final List<Duration> sleeps = new ArrayList<>();

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void sleep(Duration d) {
            sleeps.add(d);
            now = now.plus(d);
        }
    }

    @Test
    void createsThePrivateStateFolderAndLocks(@TempDir Path dir) throws Exception {
        FakeTime time = new FakeTime();
        Path lockFile = dir.resolve("state/render.lock");
        try (RenderLock lock = RenderLock.acquire(lockFile, Duration.ofSeconds(1), time, time::sleep)) {
            assertThat(Files.getPosixFilePermissions(lockFile.getParent()).toString()).doesNotContain("GROUP", "OTHERS");
        }
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void givesUpAfterTheTimeoutWhileAnotherHolderKeepsTheLock(@TempDir Path dir) {
        FakeTime time = new FakeTime();
        Path lockFile = dir.resolve("render.lock");
        try (RenderLock first = RenderLock.acquire(lockFile, Duration.ofSeconds(1), time, time::sleep)) {
            assertThatThrownBy(() -> RenderLock.acquire(lockFile, Duration.ofSeconds(2), time, time::sleep))
                    .isInstanceOf(OutputException.class)
                    .hasMessage(lockFile + ": another render or the daemon still holds the lock after 2 s; try again, "
                            + "or raise --lock-timeout");
        }
        assertThat(time.sleeps.stream().mapToLong(Duration::toMillis).sum()).isEqualTo(2000);
        try (RenderLock again = RenderLock.acquire(lockFile, Duration.ofSeconds(1), time, time::sleep)) {
            assertThat(again).isNotNull();
        }
    }
}
