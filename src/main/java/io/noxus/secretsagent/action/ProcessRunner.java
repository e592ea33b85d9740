package io.noxus.secretsagent.action;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real processes: stdin from /dev/null, stdout and stderr merged, killed at the timeout. */
public final class ProcessRunner implements CommandRunner {
    private static final int KEEP_BYTES = 2000;

    @Override
    public Result run(List<String> argv, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
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
