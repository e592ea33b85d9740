package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A POSIX shell sourcing the file: {@code SHELL -c '. "$1" && /usr/bin/env -0' _ FILE} with an empty
 * environment. Delivered = what the shell exports, minus what it exports by itself (found by
 * sourcing an empty file once), in file order. A non-zero exit or any stderr output counts as a
 * rejection.
 */
final class ShellReader implements RealReader {

    private static final String SCRIPT = ". \"$1\" && /usr/bin/env -0";

    private final String name;
    private final Path shell;
    private Map<String, String> baseline;

    ShellReader(String name, Path shell) {
        this.name = name;
        this.shell = shell;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, String> read(Path file) throws IOException {
        if (baseline == null) {
            baseline = source(Path.of("/dev/null"));
        }
        Map<String, String> vars = EnvBlock.minus(source(file.toAbsolutePath()), baseline);
        return FileOrder.sort(vars, Files.readAllBytes(file));
    }

    private Map<String, String> source(Path file) throws IOException {
        Exec.Result r = Exec.run(List.of(shell.toString(), "-c", SCRIPT, "_", file.toString()), Map.of(), null);
        if (!r.ok() || r.stderr().length > 0) {
            throw new IOException(name + " rejected " + file + " (exit " + r.exitCode() + "): " + r.stderrText());
        }
        return EnvBlock.parse(r.stdout());
    }
}
