package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a program to completion and captures its output. */
public final class Exec {

    private static final long TIMEOUT_SECONDS = 60;

    public record Result(int exitCode, byte[] stdout, byte[] stderr) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String stderrText() {
            return new String(stderr, StandardCharsets.UTF_8).strip();
        }

        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Exec() {}

    /**
     * Runs {@code command} with no stdin. {@code env} replaces the whole environment when not null
     * (pass an empty map for a clean one); {@code workDir} may be null.
     */
    public static Result run(List<String> command, Map<String, String> env, Path workDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(devNull()));
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        byte[] out = readAll(p.getInputStream());
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + TIMEOUT_SECONDS + " s: " + command);
            }
            return new Result(p.exitValue(), out, err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
