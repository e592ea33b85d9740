package io.noxus.secretsagent.action;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs a program to its end or its timeout; injected so tests (and the systemd box) can stand in for systemctl. */
@FunctionalInterface
public interface CommandRunner {
    /**
     * The exit code and the first lines of stdout+stderr (systemctl's own words; a service command's output is not
     * kept by callers, as it could quote anything).
     */
    record Result(int exitCode, String output, boolean timedOut) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    Result run(List<String> argv, Duration timeout);

    /**
     * Runs a program with extra environment variables on top of the scrubbed one (only the notifier passes one:
     * {@code NOTIFY_SOCKET} for its own systemd-notify). Stand-ins ignore the extras.
     */
    default Result run(List<String> argv, Duration timeout, Map<String, String> extraEnvironment) {
        return run(argv, timeout);
    }
}
