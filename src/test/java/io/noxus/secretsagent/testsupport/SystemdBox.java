package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A throw-away real systemd booted by scripts/systemd-box.sh in a fresh /tmp/nsa-sdbox-* folder.
 * {@link #close()} takes it down and deletes the folder; a JVM shutdown hook does the same for
 * boxes nobody closed.
 */
public final class SystemdBox implements AutoCloseable {

    private final Path script;
    private final Path dir;
    private final Thread shutdownHook = new Thread(this::downQuietly, "systemd-box-down");
    private boolean up;

    private SystemdBox(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
    }

    public static SystemdBox boot(Path script) throws IOException {
        SystemdBox box = new SystemdBox(script, Files.createTempDirectory(Path.of("/tmp"), "nsa-sdbox-"));
        Runtime.getRuntime().addShutdownHook(box.shutdownHook);
        Exec.Result r = box.script("up");
        if (!r.ok()) {
            box.close();
            throw new IOException("systemd box did not boot: " + r.stderrText() + " " + r.stdoutText().strip());
        }
        box.up = true;
        return box;
    }

    /** The folder shared with the box (same path inside); units go to {@code share()/units}. */
    public Path share() {
        return dir.resolve("share");
    }

    public Path units() {
        return share().resolve("units");
    }

    /** systemd's console output (its own log messages, e.g. why a unit failed). */
    public Path consoleLog() {
        return dir.resolve("console.log");
    }

    /** Runs {@code command} inside the box. */
    public Exec.Result exec(String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("x"));
        args.addAll(List.of(command));
        return script(args.toArray(String[]::new));
    }

    @Override
    public void close() {
        downQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
    }

    private synchronized void downQuietly() {
        try {
            if (up) {
                script("down");
                up = false;
            }
            deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not take down systemd box " + dir, e);
        }
    }

    private Exec.Result script(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        return Exec.run(cmd, Map.of("SDBOX", dir.toString(), "PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), null);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
