package io.noxus.secretsagent.app;

import io.noxus.secretsagent.action.CommandRunner;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.ServiceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code check} asks systemd, through the host's command runner: that every unit the config names exists, and
 * that every root and the state folder are writable under the agent unit's sandbox ({@code ProtectSystem=},
 * {@code ProtectHome=}, {@code ReadWritePaths=}, {@code BindPaths=}, {@code StateDirectory=}). A typo in a unit name
 * or an output outside {@code ReadWritePaths=} would otherwise pass {@code check} and {@code render} by hand and fail
 * only in the daemon, at the next rotation. Where systemd cannot be asked (no systemd, a container) nothing is
 * claimed: one warning says so.
 */
final class HostChecks {
    static final String AGENT_UNIT = "noxus-secrets-agent.service";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final CommandRunner runner;
    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    HostChecks(CommandRunner runner) {
        this.runner = runner;
    }

    HostChecks run(AgentConfig config) {
        Map<String, String> agent = show(AGENT_UNIT, "LoadState", "ProtectSystem", "ProtectHome", "ReadWritePaths",
                "BindPaths", "StateDirectory");
        if (agent == null) {
            return this;
        }
        for (ServiceSpec service : config.services()) {
            for (String unit : service.units()) {
                Map<String, String> p = show(unit, "LoadState");
                String state = p == null ? "" : p.getOrDefault("LoadState", "");
                if (p != null && !state.equals("loaded")) {
                    errors.add("service " + service.name() + ": unit " + unit + " " + (state.equals("not-found")
                            ? "does not exist" : "cannot be used") + " (LoadState=" + state + "); fix the name in "
                            + "services." + service.name() + ".units, or install the unit");
                }
            }
        }
        if (!"loaded".equals(agent.get("LoadState"))) {
            warnings.add(AGENT_UNIT + " is not installed here: the roots were not compared with its sandbox");
            return this;
        }
        Sandbox sandbox = Sandbox.of(agent);
        Stream.concat(config.roots().stream().map(r -> Map.entry(r, "root")),
                Stream.of(Map.entry(config.stateDir(), "state_dir"))).forEach(e -> {
                    if (!sandbox.writable(e.getKey())) {
                        errors.add(e.getValue() + " " + e.getKey() + " is not writable under " + AGENT_UNIT + " ("
                                + sandbox + "): add it to the unit's ReadWritePaths= (systemctl edit "
                                + "noxus-secrets-agent: [Service] ReadWritePaths=" + e.getKey() + ")");
                    }
                });
        return this;
    }

    /** {@code systemctl show -p P… UNIT} as a map; null (and one warning) when systemd cannot be asked. */
    private Map<String, String> show(String unit, String... properties) {
        List<String> argv = new ArrayList<>(List.of("systemctl", "show"));
        for (String p : properties) {
            argv.add("-p");
            argv.add(p);
        }
        argv.add("--");
        argv.add(unit);
        CommandRunner.Result r = runner.run(argv, TIMEOUT);
        if (!r.ok()) {
            if (warnings.stream().noneMatch(w -> w.startsWith("cannot ask systemd"))) {
                warnings.add("cannot ask systemd (systemctl show exited " + r.exitCode() + "): units and the "
                        + "sandbox of " + AGENT_UNIT + " were not checked");
            }
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        r.output().lines().filter(l -> l.contains("=")).forEach(l -> values.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));
        return values;
    }

    /** What a unit's sandbox lets it write, from its {@code systemctl show} properties. */
    record Sandbox(String protectSystem, String protectHome, List<Path> writable) {
        static Sandbox of(Map<String, String> p) {
            List<Path> writable = new ArrayList<>();
            for (String rw : words(p.get("ReadWritePaths"))) {
                writable.add(Path.of(rw.replaceFirst("^[-+]+", "")));
            }
            for (String bind : words(p.get("BindPaths"))) {
                // source:destination:options, the source prefixed with "-" when it may be missing
                String[] parts = bind.split(":");
                writable.add(Path.of(parts.length > 1 ? parts[1] : parts[0].replaceFirst("^-", "")));
            }
            for (String dir : words(p.get("StateDirectory"))) {
                writable.add(Path.of("/var/lib").resolve(dir));
            }
            return new Sandbox(p.getOrDefault("ProtectSystem", "no"), p.getOrDefault("ProtectHome", "no"), writable);
        }

        private static List<String> words(String value) {
            return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
        }

        boolean writable(Path path) {
            Path p = path.toAbsolutePath().normalize();
            if (writable.stream().anyMatch(p::startsWith)) {
                return true;
            }
            if (!protectHome.equals("no") && Stream.of("/home", "/root", "/run/user").map(Path::of).anyMatch(p::startsWith)) {
                return false;
            }
            return switch (protectSystem) {
                case "strict" -> false;
                case "full" -> Stream.of("/usr", "/boot", "/efi", "/etc").map(Path::of).noneMatch(p::startsWith);
                case "yes", "true" -> Stream.of("/usr", "/boot", "/efi").map(Path::of).noneMatch(p::startsWith);
                default -> true;
            };
        }

        @Override
        public String toString() {
            return "ProtectSystem=" + protectSystem + ", ReadWritePaths=" + String.join(" ", writable.stream()
                    .map(Path::toString).toList());
        }
    }
}
