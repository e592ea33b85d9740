package io.noxus.secretsagent.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.action.ActionResult.Outcome;
import io.noxus.secretsagent.config.ActionSpec;
import io.noxus.secretsagent.config.OutputFormat;
import io.noxus.secretsagent.config.OutputSpec;
import io.noxus.secretsagent.config.Role;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.testsupport.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActionRunnerTest {
    /** Records every command; answers is-active from a queue of states (the last one repeats). */
    static final class FakeSystemctl implements CommandRunner {
        final List<String> calls = new ArrayList<>();
        final Deque<String> states = new ArrayDeque<>();
        int restartExit;
        boolean commandTimesOut;

        @Override
        public Result run(List<String> argv, Duration timeout) {
            calls.add(String.join(" ", argv));
            if (argv.contains("is-active")) {
                String state = states.size() > 1 ? states.poll() : states.peek();
                return new Result(state.equals("active") ? 0 : 3, state + "\n", false);
            }
            if (argv.get(0).startsWith("/")) {
                return new Result(commandTimesOut ? -1 : 0, "", commandTimesOut);
            }
            return new Result(argv.contains("restart") ? restartExit : 0, restartExit == 0 ? ""
                    : "Job for x.service failed.\nSee more", false);
        }
    }

    final ManualClock clock = new ManualClock();
    final FakeSystemctl fake = new FakeSystemctl();

    ActionRunner runner() {
        Systemctl systemctl = new Systemctl(List.of("systemctl"), fake, Duration.ofSeconds(5));
        return new ActionRunner(spec -> Actions.of(spec, systemctl, fake), systemctl,
                new HealthCheck(systemctl, clock, clock::sleep, Duration.ofSeconds(10), Duration.ofSeconds(1)));
    }

    static ServiceSpec service(ActionSpec action, String... units) {
        OutputSpec out = new OutputSpec("o", Path.of("/tmp/x.env"), OutputFormat.SYSTEMD, 0600, Optional.empty(),
                Optional.empty());
        return new ServiceSpec("api", Role.BACKEND, Optional.empty(), out, action, List.of(units));
    }

    static ActionSpec of(ActionSpec.Kind kind) {
        return new ActionSpec(kind, Optional.empty(), List.of(), Duration.ZERO, false);
    }

    @Test
    void aRestartIsOkOnceEveryUnitStaysActive() {
        fake.states.add("active");
        ActionResult r = runner().run(service(of(ActionSpec.Kind.RESTART), "a.service", "b.service"), () -> false);
        assertThat(r.outcome()).isEqualTo(Outcome.OK);
        assertThat(fake.calls).first().isEqualTo("systemctl restart a.service b.service");
        assertThat(fake.calls).contains("systemctl is-active a.service", "systemctl is-active b.service");
    }

    @Test
    void aUnitThatFailsAfterTheRestartIsReportedAndKeepsTheNewFileWithoutRollback() {
        fake.states.addAll(List.of("active", "failed"));
        AtomicInteger restores = new AtomicInteger();
        ActionResult r = runner().run(service(of(ActionSpec.Kind.RESTART), "a.service"),
                () -> restores.incrementAndGet() > 0);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).isEqualTo("a.service is failed after the restart");
        assertThat(restores).hasValue(0);
    }

    @Test
    void withRollbackThePreviousFileIsRestoredAndTheUnitRestartedAgain() {
        fake.states.addAll(List.of("failed", "activating", "active"));
        AtomicInteger restores = new AtomicInteger();
        ActionResult r = runner().run(service(of(ActionSpec.Kind.RESTART).withRollback(true), "a.service"),
                () -> restores.incrementAndGet() > 0);
        assertThat(r.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(restores).hasValue(1);
        assertThat(fake.calls.stream().filter(c -> c.equals("systemctl restart a.service"))).hasSize(2);
    }

    @Test
    void aCrashLoopThatNeverSettlesFailsAtTheTimeoutOnTheInjectedClock() {
        fake.states.addAll(List.of("active", "activating", "active", "activating"));
        fake.states.add("activating");
        ActionResult r = runner().run(service(of(ActionSpec.Kind.RESTART), "a.service"), () -> false);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).isEqualTo("a.service is not stably active 10 s after the restart (state: activating)");
        assertThat(clock.sleeps().stream().mapToLong(Duration::toMillis).sum()).isBetween(10_000L, 10_200L);
    }

    @Test
    void aFailingRestartCommandQuotesSystemctlsFirstLine() {
        fake.restartExit = 1;
        ActionResult r = runner().run(service(of(ActionSpec.Kind.RESTART), "x.service"), () -> false);
        assertThat(r.detail()).isEqualTo("systemctl restart x.service failed (exit 1: Job for x.service failed.)");
    }

    @Test
    void aSignalGoesToTheMainProcessOnlyAndIsNotHealthChecked() {
        ActionSpec spec = new ActionSpec(ActionSpec.Kind.SIGNAL, Optional.of("SIGHUP"), List.of(), Duration.ZERO,
                false);
        ActionResult r = runner().run(service(spec, "w.service"), () -> false);
        assertThat(r.outcome()).isEqualTo(Outcome.OK);
        assertThat(fake.calls).containsExactly("systemctl kill --kill-whom=main --signal=SIGHUP w.service");
    }

    @Test
    void tryRestartChecksOnlyTheUnitsThatWereRunning() {
        fake.states.addAll(List.of("inactive", "active"));
        ActionResult r = runner().run(service(of(ActionSpec.Kind.TRY_RESTART), "a.service", "b.service"),
                () -> false);
        assertThat(r.outcome()).isEqualTo(Outcome.OK);
        assertThat(fake.calls).containsSubsequence("systemctl is-active a.service", "systemctl is-active b.service",
                "systemctl try-restart a.service b.service", "systemctl is-active b.service");
        assertThat(fake.calls.stream().filter(c -> c.equals("systemctl is-active a.service"))).hasSize(1);
    }

    @Test
    void aCommandThatTimesOutIsAFailureNamingOnlyTheProgram() {
        fake.commandTimesOut = true;
        ActionSpec spec = new ActionSpec(ActionSpec.Kind.COMMAND, Optional.empty(), List.of("/usr/bin/reload-me",
                "--now"), Duration.ofSeconds(3), false);
        ActionResult r = runner().run(service(spec), () -> false);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail()).isEqualTo("command /usr/bin/reload-me timed out after 3 s and was killed");
    }

    @Test
    void theRealProcessRunnerKillsACommandAtItsTimeout() {
        long start = System.nanoTime();
        CommandRunner.Result r = new ProcessRunner().run(List.of("/bin/sleep", "30"), Duration.ofMillis(300));
        assertThat(r.timedOut()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(new ProcessRunner().run(List.of("/bin/sh", "-c", "echo hi; exit 3"), Duration.ofSeconds(10)))
                .isEqualTo(new CommandRunner.Result(3, "hi", false));
    }
}
