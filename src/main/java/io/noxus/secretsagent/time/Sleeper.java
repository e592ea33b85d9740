package io.noxus.secretsagent.time;

import java.time.Duration;

/** Waiting, injected next to the {@link java.time.Clock} so tests never sleep on wall time. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
