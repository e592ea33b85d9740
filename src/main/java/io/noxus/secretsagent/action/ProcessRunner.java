package io.noxus.secretsagent.action;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs real processes: stdin from /dev/null, stdout and stderr merged, killed at the timeout, and without systemd's
 * notification variables: a child that inherited {@code NOTIFY_SOCKET} (systemctl, a {@code command:} action) could
 * send {@code ERRNO=}, {@code READY=1}, {@code STOPPING=1} or {@code MAINPID=} on the agent's behalf (the unit has
 * {@code NotifyAccess=all}), and {@code WATCHDOG_*} describe the agent's watchdog, not the child's.
 */
public final class ProcessRunner implements CommandRunner {
    private static final int KEEP_BYTES = 2000;
    /** What no child inherits; systemd sets them for the service's main process only. */
    static final List<String> SCRUBBED = List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID");

    @Override
    public Result run(List<String> argv, Duration timeout) {
        return run(argv, timeout, Map.of());
    }

    @Override
    public Result run(List<String> argv, Duration timeout, Map<String, String> extraEnvironment) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().keySet().removeAll(SCRUBBED);
            builder.environment().putAll(extraEnvironment);
            process = builder.start();
        } catch (IOException e) {
            return new Result(127, "cannot start " + argv.get(0) + " (" + e.getClass().getSimpleName() + ")", false);
        }
        try (InputStream out = process.getInputStream()) {
            // The output is small (systemctl) or discarded beyond KEEP_BYTES; draining it keeps the child from blocking.
            byte[] kept = new byte[KEEP_BYTES];
            int[] length = {0};
            Thread reader = new Thread(() -> {
                try {
                    byte[] buffer = new byte[4096];
                    int n;
                    while ((n = out.read(buffer)) >= 0) {
                        int copy = Math.min(n, KEEP_BYTES - length[0]);
                        System.arraycopy(buffer, 0, kept, length[0], copy);
                        length[0] += copy;
                    }
                } catch (IOException ignored) {
                    // the process went away; what was read is enough
                }
            }, "action-output");
            reader.setDaemon(true);
            reader.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(1000);
            String text = new String(kept, 0, length[0], StandardCharsets.UTF_8).strip();
            return new Result(finished ? process.exitValue() : -1, text, !finished);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted", true);
        } catch (IOException e) {
            return new Result(-1, "output unreadable (" + e.getClass().getSimpleName() + ")", false);
        }
    }
}
