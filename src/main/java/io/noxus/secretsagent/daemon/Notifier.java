package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.action.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * systemd's notification protocol (sd_notify): READY=1, STATUS=..., WATCHDOG=1, STOPPING=1.
 *
 * <p>The protocol is one datagram on the AF_UNIX socket named by $NOTIFY_SOCKET. Java 17 has Unix domain sockets
 * for stream channels only (JEP 380: SocketChannel/ServerSocketChannel, not DatagramChannel), so it cannot send
 * that datagram itself. A JNI library (junixsocket) could, but it unpacks a native .so into a temporary folder at
 * run time, which a hardened unit (PrivateTmp, NoExecPaths, MemoryDenyWriteExecute) forbids. So the daemon runs
 * systemd's own {@code systemd-notify}, which since systemd 246 waits until the manager has processed the message
 * (so the message is attributed to the unit even though the sender exits at once); the unit needs
 * {@code NotifyAccess=all} because the sender is a child, and {@code MAINPID=} is sent so systemd keeps tracking the
 * JVM. Cost: one short process per message (READY once, STATUS when it changes, WATCHDOG every WatchdogSec/2).
 */
interface Notifier {
    Notifier NONE = new Notifier() {
        @Override
        public void notify(String... assignments) {
        }

        @Override
        public Optional<Duration> watchdogInterval() {
            return Optional.empty();
        }
    };

    void notify(String... assignments);

    /** Half of WatchdogSec, when systemd asks for a watchdog; the daemon pings at least every half of this again. */
    Optional<Duration> watchdogInterval();

    /** From the environment systemd gives a Type=notify service; {@link #NONE} outside systemd. */
    static Notifier fromEnvironment(Map<String, String> env, CommandRunner runner, long pid) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return NONE;
        }
        Optional<Duration> watchdog = Optional.empty();
        String usec = env.get("WATCHDOG_USEC");
        String watchdogPid = env.get("WATCHDOG_PID");
        if (usec != null && usec.matches("[0-9]+") && (watchdogPid == null || watchdogPid.equals(Long.toString(pid)))) {
            watchdog = Optional.of(Duration.ofNanos(Long.parseLong(usec) * 1000 / 2));
        }
        Optional<Duration> interval = watchdog;
        return new Notifier() {
            @Override
            public void notify(String... assignments) {
                List<String> argv = new ArrayList<>(List.of("systemd-notify", "MAINPID=" + pid));
                argv.addAll(List.of(assignments));
                // The only child that gets the socket: the runner scrubs it from every other one.
                runner.run(argv, Duration.ofSeconds(10), Map.of("NOTIFY_SOCKET", socket));
            }

            @Override
            public Optional<Duration> watchdogInterval() {
                return interval;
            }
        };
    }
}
