package io.noxus.secretsagent.testsupport;

import java.time.Duration;
import java.util.function.Supplier;

/** What a call returned and how long it took on the wall clock (for bounds on time to fail, not performance). */
public record Timed<T>(T value, Duration took) {
    public static <T> Timed<T> of(Supplier<T> call) {
        long started = System.nanoTime();
        T value = call.get();
        return new Timed<>(value, Duration.ofNanos(System.nanoTime() - started));
    }
}
