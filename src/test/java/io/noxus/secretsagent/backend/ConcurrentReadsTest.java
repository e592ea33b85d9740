package io.noxus.secretsagent.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The reads of one fetch: bounded, in order, stopped by throttling, on real threads. */
class ConcurrentReadsTest {
    final List<Integer> items = IntStream.range(0, 40).boxed().toList();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();

    /** A read that holds its slot a few milliseconds, so the readers really overlap. */
    String slowRead(int i) {
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            Thread.sleep(3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inFlight.decrementAndGet();
        return "v" + i;
    }

    @Test
    void readsOverlapUpToTheBoundAndNeverBeyondItAndAnswerInTheItemsOrder() {
        Map<Integer, String> out = ConcurrentReads.threads("read-test").read(items, 4, this::slowRead,
                a -> false, (i, by) -> "skipped");
        assertThat(out.keySet()).containsExactlyElementsOf(items);
        assertThat(out.values()).allMatch(v -> v.startsWith("v"));
        assertThat(most.get()).isEqualTo(4);
    }

    @Test
    void boundOneOrAnExecutorThatRejectsReadsOneAtATimeOnTheCaller() {
        ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();
        ConcurrentReads.threads("read-test").read(items, 1, i -> {
            threads.add(Thread.currentThread().getName());
            return slowRead(i);
        }, a -> false, (i, by) -> "skipped");
        ConcurrentReads.inline().read(items, 8, this::slowRead, a -> false, (i, by) -> "skipped");
        assertThat(most.get()).isEqualTo(1);
        assertThat(threads).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void aThrottledReadStopsFurtherReadsAndTheRestAnswerSkippedWithTheThrottledAnswer() throws Exception {
        CountDownLatch throttledSeen = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Map<Integer, String> out = ConcurrentReads.threads("read-test").read(items, 3, i -> {
            started.incrementAndGet();
            if (i == 5) {
                throttledSeen.countDown();
                return "429";
            }
            return slowRead(i);
        }, "429"::equals, (i, by) -> "skipped after " + by);
        assertThat(throttledSeen.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(out.get(5)).isEqualTo("429");
        // the reads in flight when the 429 came finish; nothing more starts
        assertThat(started.get()).isBetween(6, 6 + 2);
        assertThat(out.get(39)).isEqualTo("skipped after 429");
        assertThat(out.values().stream().filter(v -> v.startsWith("skipped")).count()).isEqualTo(40 - started.get());
    }

    @Test
    void aReadThatThrowsStopsTheRoundAndIsRethrownAfterTheReadsInFlight() {
        assertThatThrownBy(() -> ConcurrentReads.threads("read-test").read(items, 4, i -> {
            if (i == 10) {
                throw new IllegalStateException("boom");
            }
            return slowRead(i);
        }, a -> false, (i, by) -> "skipped")).isInstanceOf(IllegalStateException.class);
        assertThat(inFlight.get()).isZero();
    }
}
