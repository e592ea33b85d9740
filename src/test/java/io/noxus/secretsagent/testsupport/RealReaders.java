package io.noxus.secretsagent.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Factories for the real env-file readers. A factory throws {@link IllegalStateException} saying
 * what to install when its program is missing: tests using these never skip silently.
 * Install the repo-local tools with {@code scripts/install-test-tools.sh}.
 */
public final class RealReaders {

    private static final String INSTALL_HINT = "run scripts/install-test-tools.sh";

    private RealReaders() {}

    /** systemd's EnvironmentFile=, in a throw-away systemd booted on first read (needs root). */
    public static RealReader systemd() {
        Path script = repoRoot().resolve("scripts/systemd-box.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("scripts/systemd-box.sh is missing from the repo");
        }
        requireAny(List.of(Path.of("/lib/systemd/systemd"), Path.of("/usr/lib/systemd/systemd")),
                "systemd is not installed: apt-get install systemd");
        for (String tool : List.of("unshare", "nsenter", "setpriv")) {
            requireAny(List.of(Path.of("/usr/bin", tool), Path.of("/bin", tool)),
                    tool + " is not installed: apt-get install util-linux");
        }
        requireAny(List.of(Path.of("/usr/bin/script"), Path.of("/bin/script")),
                "script is not installed: apt-get install bsdutils");
        return new SystemdReader(script);
    }

    /** bash sourcing the file ({@code . FILE}), delivering what it exports. */
    public static RealReader bash() {
        return new ShellReader("bash", requireAny(List.of(Path.of("/bin/bash"), Path.of("/usr/bin/bash")),
                "bash is not installed: apt-get install bash"));
    }

    /** dash (the Debian /bin/sh) sourcing the file, delivering what it exports. */
    public static RealReader sh() {
        return new ShellReader("sh", requireAny(List.of(Path.of("/bin/dash"), Path.of("/usr/bin/dash")),
                "dash is not installed: apt-get install dash"));
    }

    /** python-dotenv's dotenv_values(path) (interpolate=True) from .tools/venv. */
    public static RealReader dotenv() {
        Path python = repoRoot().resolve(".tools/venv/bin/python");
        require(python, "python-dotenv venv (.tools/venv) is missing: " + INSTALL_HINT);
        return new DotenvReader(python);
    }

    /** Docker Compose's env_file loader (compose-go), via .tools/bin/envreaders. */
    public static RealReader compose() {
        return new EnvReadersTool("compose", envReaders());
    }

    /** {@code docker run --env-file} (docker CLI's kvfile), via .tools/bin/envreaders. */
    public static RealReader docker() {
        return new EnvReadersTool("docker", envReaders());
    }

    /** All six readers. */
    public static List<RealReader> all() {
        return List.of(systemd(), bash(), sh(), dotenv(), compose(), docker());
    }

    /** The repository root: the nearest folder at or above user.dir with a pom.xml and scripts/. */
    public static Path repoRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("scripts"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (pom.xml + scripts/) at or above " + start);
    }

    private static Path envReaders() {
        return require(repoRoot().resolve(".tools/bin/envreaders"),
                ".tools/bin/envreaders is missing: " + INSTALL_HINT);
    }

    private static Path require(Path executable, String message) {
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(message + " (looked for " + executable + ")");
        }
        return executable;
    }

    private static Path requireAny(List<Path> candidates, String message) {
        return candidates.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException(message + " (looked for " + candidates + ")"));
    }
}
