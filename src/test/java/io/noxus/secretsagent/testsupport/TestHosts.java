package io.noxus.secretsagent.testsupport;

import io.noxus.secretsagent.action.CommandRunner;
import io.noxus.secretsagent.app.Host;
import java.time.Clock;
import java.util.Map;

/** Hosts for in-process tests: no real process is ever started, no real sleep is ever taken. */
public final class TestHosts {
    private TestHosts() {
    }

    /** A host that must start no process and never wait for the lock (renders that act on nothing). */
    public static Host quiet() {
        return new Host(Clock.systemUTC(), d -> {
            throw new AssertionError("no other process holds the lock in this test");
        }, (argv, timeout) -> {
            throw new AssertionError("this test starts no process, but it ran " + argv);
        }, Map.of(), "");
    }

    /** A host on a manual clock (sleeping moves it) that must start no process. */
    public static Host on(ManualClock clock) {
        return on(clock, (argv, timeout) -> {
            throw new AssertionError("this test starts no process, but it ran " + argv);
        });
    }

    /** A host on a manual clock (sleeping moves it) whose processes are the given runner's. */
    public static Host on(ManualClock clock, CommandRunner runner) {
        return new Host(clock, clock::sleep, runner, Map.of(), "0123456789abcdef");
    }
}
