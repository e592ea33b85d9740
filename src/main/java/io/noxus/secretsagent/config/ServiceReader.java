package io.noxus.secretsagent.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads {@code services.NAME} and {@code main_env}: role, pool, output, action and units. */
final class ServiceReader {
    private ServiceReader() {
    }

    static ServiceSpec service(String name, ConfigNode node) {
        if (!name.matches("[a-z0-9][a-z0-9_.-]*") || name.equals(ServiceSpec.MAIN_ENV)) {
            throw node.error("service names are lower-case letters, digits, '-', '_' and '.' ('"
                    + ServiceSpec.MAIN_ENV + "' is reserved for main_env)");
        }
        node.onlyKeys("role", "pool", "output", "action", "units", "rollback");
        ConfigNode roleNode = node.required("role");
        Role role = switch (roleNode.text()) {
            case "frontend" -> Role.FRONTEND;
            case "backend" -> Role.BACKEND;
            case "worker" -> Role.WORKER;
            case "beat" -> Role.BEAT;
            default -> throw roleNode.error("unknown role; expected one of frontend, backend, worker, beat");
        };
        Optional<String> pool = node.optionalText("pool");
        if (pool.isPresent() && role != Role.WORKER) {
            throw node.child("pool").error("only services with role worker belong to a pool");
        }
        if (pool.isPresent() && !pool.get().matches("[a-z0-9][a-z0-9_-]*")) {
            throw node.child("pool").error("pool names are lower-case letters, digits, '-' and '_'");
        }
        return withAction(name, role, pool, OutputReader.envFile(node.required("output")), node);
    }

    static ServiceSpec mainEnv(ConfigNode node) {
        node.onlyKeys("output", "action", "units", "rollback");
        return withAction(ServiceSpec.MAIN_ENV, Role.MAIN, Optional.empty(),
                OutputReader.envFile(node.required("output")), node);
    }

    private static ServiceSpec withAction(String name, Role role, Optional<String> pool, OutputSpec output,
                                          ConfigNode node) {
        List<String> units = node.optional("units").map(ConfigNode::textList).orElse(List.of());
        for (int i = 0; i < units.size(); i++) {
            if (!units.get(i).matches("[A-Za-z0-9:_.@\\\\-]+")) {
                throw node.child("units").list().get(i).error("not a systemd unit name");
            }
        }
        ActionSpec action = node.optional("action").map(ServiceReader::action)
                .orElse(units.isEmpty() ? ActionSpec.NONE
                        : new ActionSpec(ActionSpec.Kind.RESTART, Optional.empty(), List.of(), Duration.ZERO, false));
        boolean rollback = node.optional("rollback").map(ConfigNode::bool).orElse(false);
        if (rollback && !action.restarts()) {
            throw node.child("rollback").error("rollback needs a restart or try-restart action (it restores the "
                    + "previous file when a restarted unit does not come up)");
        }
        action = action.withRollback(rollback);
        boolean needsUnits = action.kind() != ActionSpec.Kind.NONE && action.kind() != ActionSpec.Kind.COMMAND;
        if (needsUnits && units.isEmpty()) {
            throw node.child("action").error("action " + action + " needs the systemd units to act on; add units: [...]");
        }
        return new ServiceSpec(name, role, pool, output, action, units);
    }

    private static ActionSpec action(ConfigNode node) {
        if (node.has("command")) {
            node.onlyKeys("command", "timeout_seconds");
            List<String> argv = node.required("command").textList();
            if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
                throw node.child("command").error("give the command as a list whose first item is an absolute path");
            }
            int timeout = node.optional("timeout_seconds").map(ConfigNode::positiveInt).orElse(60);
            return new ActionSpec(ActionSpec.Kind.COMMAND, Optional.empty(), argv, Duration.ofSeconds(timeout), false);
        }
        String text = node.text().toLowerCase(Locale.ROOT);
        if (text.startsWith("signal:")) {
            String signal = node.text().substring("signal:".length());
            if (!signal.matches("SIG[A-Z0-9]+([+-][0-9]+)?")) {
                throw node.error("signal names look like SIGHUP or SIGUSR1");
            }
            return new ActionSpec(ActionSpec.Kind.SIGNAL, Optional.of(signal), List.of(), Duration.ZERO, false);
        }
        ActionSpec.Kind kind = switch (text) {
            case "none" -> ActionSpec.Kind.NONE;
            case "restart" -> ActionSpec.Kind.RESTART;
            case "try-restart" -> ActionSpec.Kind.TRY_RESTART;
            case "reload" -> ActionSpec.Kind.RELOAD;
            default -> throw node.error("unknown action; expected none, restart, try-restart, reload, "
                    + "signal:SIGNAME or {command: [/path, args...]}");
        };
        return new ActionSpec(kind, Optional.empty(), List.of(), Duration.ZERO, false);
    }
}
