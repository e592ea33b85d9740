package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ActionPoolTest {
    @Test
    void aStopLetsTheRunningActionFinishAndStartsNoQueuedOne() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicBoolean firstFinished = new AtomicBoolean();
        Supplier<String> first = () -> {
            started.countDown();
            while (!stopping.get()) {
                Thread.onSpinWait();
            }
            sleep(100);
            firstFinished.set(true);
            return "first";
        };
        Supplier<String> second = () -> "second";
        Supplier<String> third = () -> "third";
        try (ActionPool pool = new ActionPool(1)) {
            Thread stopper = new Thread(() -> {
                try {
                    started.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stopping.set(true);
            });
            stopper.start();
            List<Optional<String>> results = pool.run(List.of(first, second, third), stopping::get, () -> { },
                    Duration.ofMillis(20));
            assertThat(results).containsExactly(Optional.of("first"), Optional.empty(), Optional.empty());
            assertThat(firstFinished).isTrue();
        }
    }

    @Test
    void withoutAStopEveryActionRunsInOrderAndTheWatchdogIsFedWhileWaiting() throws Exception {
        int[] ticks = {0};
        try (ActionPool pool = new ActionPool(2)) {
            List<Optional<String>> results = pool.run(List.of(() -> sleep(200) + "a", () -> "b", () -> "c"),
                    () -> false, () -> ticks[0]++, Duration.ofMillis(20));
            assertThat(results).containsExactly(Optional.of("a"), Optional.of("b"), Optional.of("c"));
        }
        assertThat(ticks[0]).isGreaterThan(3);
    }

    private static String sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }
}
