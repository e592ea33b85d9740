package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * systemd's {@code EnvironmentFile=}: each read copies the file into a {@link SystemdBox} (booted on
 * first use, reused after) and starts a fresh oneshot unit that runs {@code /usr/bin/env -0}.
 * Delivered = that environment minus what systemd adds by itself: the manager environment (found
 * once with an empty file; set to unlikely values at boot so a file's own LANG or PATH still shows)
 * and this run's INVOCATION_ID and SYSTEMD_EXEC_PID. A unit that does not succeed is a rejection.
 */
final class SystemdReader implements RealReader {

    /** Manager environment while reading: odd values, so a file setting LANG or PATH is visible. */
    private static final String[] MANAGER_ENV = {
        "LANG=nsa-sdbox-baseline", "PATH=/usr/bin:/bin:/nsa-sdbox-baseline"
    };

    /** start, report, then unload: one round trip into the box per read. */
    private static final String RUN_UNIT = "systemctl start \"$1\" 2>&1;"
            + " systemctl show -p Result -p InvocationID -p ExecMainPID \"$1\";"
            + " systemctl stop \"$1\"; systemctl reset-failed \"$1\" 2>/dev/null; true";

    private final Path boxScript;
    private SystemdBox box;
    private Map<String, String> baseline;
    private int counter;

    SystemdReader(Path boxScript) {
        this.boxScript = boxScript;
    }

    @Override
    public String name() {
        return "systemd";
    }

    @Override
    public synchronized Map<String, String> read(Path file) throws IOException {
        if (box == null) {
            boot();
        }
        return FileOrder.sort(EnvBlock.minus(runUnit(file), baseline), Files.readAllBytes(file));
    }

    @Override
    public synchronized void close() {
        if (box != null) {
            box.close();
            box = null;
        }
    }

    private void boot() throws IOException {
        box = SystemdBox.boot(boxScript);
        try {
            check(box.exec("systemctl", "set-environment", MANAGER_ENV[0], MANAGER_ENV[1]),
                    "systemctl set-environment");
            Path empty = Files.createTempFile("nsa-empty", ".env");
            try {
                baseline = runUnit(empty);
            } finally {
                Files.delete(empty);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Map<String, String> runUnit(Path file) throws IOException {
        String id = "nsa-read-" + (++counter);
        Path env = box.share().resolve(id + ".env");
        Path out = box.share().resolve(id + ".out");
        Path unit = box.units().resolve(id + ".service");
        Files.copy(file, env, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(unit, "[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                + "EnvironmentFile=" + env + "\nExecStart=/usr/bin/env -0\nStandardOutput=truncate:" + out + "\n");
        try {
            Exec.Result r = check(box.exec("sh", "-c", RUN_UNIT, "_", id + ".service"), "systemctl start");
            Map<String, String> props = properties(r.stdoutText());
            if (!"success".equals(props.get("Result"))) {
                throw new IOException("systemd rejected " + file + ": Result=" + props.get("Result") + "; "
                        + r.stdoutText().lines().filter(l -> !l.contains("=")).collect(Collectors.joining(" "))
                        + consoleLinesAbout(id));
            }
            Map<String, String> vars = EnvBlock.parse(Files.readAllBytes(out));
            vars.remove("INVOCATION_ID", props.get("InvocationID"));
            vars.remove("SYSTEMD_EXEC_PID", props.get("ExecMainPID"));
            return vars;
        } finally {
            Files.deleteIfExists(unit);
            Files.deleteIfExists(env);
            Files.deleteIfExists(out);
        }
    }

    private static Map<String, String> properties(String showOutput) {
        Map<String, String> props = new HashMap<>();
        showOutput.lines().filter(l -> l.matches("[A-Za-z]+=.*")).forEach(l -> {
            int eq = l.indexOf('=');
            props.put(l.substring(0, eq), l.substring(eq + 1));
        });
        return props;
    }

    /** systemd's own words about the unit (e.g. "invalid UTF-8 value for key A"), from its console. */
    private String consoleLinesAbout(String id) throws IOException {
        String log = new String(Files.readAllBytes(box.consoleLog()), StandardCharsets.UTF_8);
        String lines = log.lines().map(String::strip).filter(l -> l.contains(id + "."))
                .collect(Collectors.joining(" | "));
        return lines.isEmpty() ? "" : " [systemd: " + lines + "]";
    }

    private static Exec.Result check(Exec.Result r, String what) throws IOException {
        if (!r.ok()) {
            throw new IOException(what + " in systemd box failed (exit " + r.exitCode() + "): "
                    + r.stderrText() + " " + r.stdoutText().strip());
        }
        return r;
    }
}
