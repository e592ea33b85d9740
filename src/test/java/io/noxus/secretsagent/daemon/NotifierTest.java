package io.noxus.secretsagent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.action.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifierTest {
    final List<List<String>> runs = new ArrayList<>();
    final CommandRunner recorder = (argv, timeout) -> {
        runs.add(argv);
        return new CommandRunner.Result(0, "", false);
    };

    @Test
    void outsideSystemdNothingIsSent() {
        Notifier n = Notifier.fromEnvironment(Map.of("WATCHDOG_USEC", "4000000"), recorder, 42);
        n.notify("READY=1");
        assertThat(runs).isEmpty();
        assertThat(n.watchdogInterval()).isEmpty();
    }

    @Test
    void underSystemdEachMessageIsOneSystemdNotifyCallNamingTheMainPid() {
        Notifier n = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC",
                "4000000", "WATCHDOG_PID", "42"), recorder, 42);
        n.notify("READY=1", "STATUS=3 outputs");
        assertThat(runs).containsExactly(List.of("systemd-notify", "MAINPID=42", "READY=1", "STATUS=3 outputs"));
        assertThat(n.watchdogInterval()).contains(Duration.ofSeconds(2));
    }

    @Test
    void aWatchdogMeantForAnotherProcessIsIgnored() {
        Notifier n = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@notify", "WATCHDOG_USEC", "4000000",
                "WATCHDOG_PID", "7"), recorder, 42);
        assertThat(n.watchdogInterval()).isEmpty();
    }
}
