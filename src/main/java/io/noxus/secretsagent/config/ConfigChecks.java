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
        Map<Path, String> owners = new HashMap<>();
        ProtectedPaths protectedPaths = new ProtectedPaths(config, environment);
        for (ServiceSpec s : config.services()) {
            claim(config, owners, s.output());
            protectedPaths.refuse(s.output());
        }
        for (SecretFileSpec f : config.files()) {
            claim(config, owners, f.file());
            protectedPaths.refuse(f.file());
        }
        Map<String, List<Mapping>> byName = config.mappings().stream().filter(m -> !m.bulk())
                .collect(Collectors.groupingBy(m -> m.env().orElseThrow()));
        for (ServiceSpec service : config.services()) {
            byName.forEach((name, candidates) -> Precedence.choose(name, service, candidates));
        }
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
