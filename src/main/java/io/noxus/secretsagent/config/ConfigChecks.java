package io.noxus.secretsagent.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Rules that span several parts of the config: files inside the roots, never over a file the agent reads (config,
 * secrets, credentials) nor in its own folders, one owner per file, no ambiguous mappings.
 */
final class ConfigChecks {
    private ConfigChecks() {
    }

    static void validate(AgentConfig config, Map<String, String> environment) {
        ConfigErrors errors = new ConfigErrors();
        Map<Path, String> owners = new HashMap<>();
        ProtectedPaths protectedPaths = new ProtectedPaths(config, environment);
        for (ServiceSpec s : config.services()) {
            errors.attempt(() -> claim(config, owners, s.output()));
            errors.attempt(() -> protectedPaths.refuse(s.output()));
        }
        for (SecretFileSpec f : config.files()) {
            errors.attempt(() -> claim(config, owners, f.file()));
            errors.attempt(() -> protectedPaths.refuse(f.file()));
        }
        Map<String, List<Mapping>> byName = config.mappings().stream().filter(m -> !m.bulk())
                .collect(Collectors.groupingBy(m -> m.env().orElseThrow(), java.util.TreeMap::new,
                        Collectors.toList()));
        // One ambiguity is reported once, not once per service it reaches.
        java.util.Set<String> ambiguous = new java.util.HashSet<>();
        for (ServiceSpec service : config.services()) {
            byName.forEach((name, candidates) -> {
                if (!ambiguous.contains(name) && errors.attempt(() -> Precedence.choose(name, service, candidates))
                        .isEmpty()) {
                    ambiguous.add(name);
                }
            });
        }
        errors.throwIfAny();
    }

    private static void claim(AgentConfig config, Map<Path, String> owners, OutputSpec output) {
        Path path = output.path();
        if (config.roots().stream().noneMatch(root -> path.startsWith(root) && !path.equals(root))) {
            throw new ConfigException(output.location() + ": " + path + " is outside the configured roots "
                    + config.roots() + "; move it or add its folder to roots");
        }
        String previous = owners.putIfAbsent(path, output.location());
        if (previous != null) {
            throw new ConfigException(output.location() + ": " + path + " is also written by " + previous
                    + "; give each its own file");
        }
    }
}
