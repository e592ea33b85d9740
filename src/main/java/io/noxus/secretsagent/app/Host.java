package io.noxus.secretsagent.app;

import io.noxus.secretsagent.action.CommandRunner;
import io.noxus.secretsagent.action.ProcessRunner;
import io.noxus.secretsagent.time.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What the agent takes from the machine it runs on: time, waiting, the programs it starts (systemctl, commands,
 * systemd-notify), its environment and the machine id (for the per-host splay). {@link #real()} is the only code
 * that names the real ones; tests pass their own.
 */
public record Host(Clock clock, Sleeper sleeper, CommandRunner commands, Map<String, String> environment,
                   String machineId) {
    public Host {
        environment = Map.copyOf(environment);
    }

    /** This machine: the system clock, real sleeps, real processes, the process environment, /etc/machine-id. */
    public static Host real() {
        return new Host(Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()), new ProcessRunner(),
                System.getenv(), machineId(Path.of("/etc/machine-id")));
    }

    /** The machine id, or "" where there is none (then actions get no per-host splay). */
    static String machineId(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return "Host[clock=" + clock + ", " + environment.size() + " environment variables, values redacted]";
    }
}
