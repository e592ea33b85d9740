package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.backend.file.FileBackend;
import io.noxus.secretsagent.config.FileBackendSettings;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.testsupport.ManualClock;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a scheduled backend's polls start, with a real file backend and a fetch that takes time on a manual clock. */
class ScheduledBackendTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Set<Reference> DOCS = Set.of(Reference.parse("file:token").document());
    @TempDir
    Path dir;
    final ManualClock clock = ManualClock.at(T0);
    final List<Duration> starts = new ArrayList<>();

    /** Polls run inline and each takes {@code fetch} of the manual clock; their start times are recorded. */
    ScheduledBackend backend(Duration fetch) {
        PrivateFiles.write(dir, "secrets.yaml", "token: t-1\n");
        Executor slow = poll -> {
            starts.add(Duration.between(T0, clock.instant()));
            clock.advance(fetch);
            poll.run();
        };
        return new ScheduledBackend("file", new FileBackend(new FileBackendSettings("file",
                dir.resolve("secrets.yaml"))), new PollSchedule(Duration.ofSeconds(5), 0, Duration.ofSeconds(1),
                Duration.ofSeconds(300), new SplittableRandom(1), T0), clock, slow, () -> { });
    }

    /** The daemon loop's part: render whenever the backend wants to, then sleep until its next poll. */
    void loop(ScheduledBackend b, Duration until) {
        while (clock.instant().isBefore(T0.plus(until))) {
            if (b.wantsCycle(clock.instant())) {
                b.fetch(DOCS);
            }
            b.nextPoll().filter(next -> next.isAfter(clock.instant()))
                    .ifPresent(next -> clock.advance(Duration.between(clock.instant(), next)));
        }
    }

    @Test
    void aSlowFetchDoesNotStretchThePeriodPollsStartEveryIntervalCountedFromTheStartOfTheLast() {
        loop(backend(Duration.ofSeconds(3)), Duration.ofSeconds(21));
        assertThat(starts).containsExactly(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(15), Duration.ofSeconds(20));
    }

    @Test
    void aFetchLongerThanThePeriodIsFollowedAtOnceByTheNextWithoutCatchingUpMissedPeriods() {
        loop(backend(Duration.ofSeconds(7)), Duration.ofSeconds(22));
        assertThat(starts).containsExactly(Duration.ZERO, Duration.ofSeconds(7), Duration.ofSeconds(14),
                Duration.ofSeconds(21));
    }

    @Test
    void aPollStillRunningIsNeverJoinedByASecondOneForTheSameBackend() {
        PrivateFiles.write(dir, "secrets.yaml", "token: t-1\n");
        List<Runnable> running = new ArrayList<>();
        ScheduledBackend b = new ScheduledBackend("file", new FileBackend(new FileBackendSettings("file",
                dir.resolve("secrets.yaml"))), new PollSchedule(Duration.ofSeconds(5), 0, Duration.ofSeconds(1),
                Duration.ofSeconds(300), new SplittableRandom(1), T0), clock, running::add, () -> { });
        b.fetch(DOCS);
        clock.advance(Duration.ofSeconds(30)); // six periods overdue while the first poll hangs
        b.fetch(DOCS);
        b.fetch(DOCS);
        assertThat(running).hasSize(1);
        assertThat(b.nextPoll()).as("while it runs, its end wakes the loop").isEmpty();
        running.get(0).run();
        assertThat(b.nextPoll()).contains(clock.instant()); // overdue: the next one starts at once, just one
        b.fetch(DOCS);
        assertThat(running).hasSize(2);
    }
}
