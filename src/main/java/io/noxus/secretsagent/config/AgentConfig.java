package io.noxus.secretsagent.config;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole validated configuration. {@code services} includes the main env file (role MAIN) when configured.
 * {@code sources} are every file it was read from (main file first, then conf.d fragments). {@code daemon} holds the
 * {@code daemon:} section (defaults when absent), {@code rotation} the default rotation policy.
 */
public record AgentConfig(List<Path> sources, List<Path> roots, Path stateDir, Map<String, BackendSettings> backends,
                          List<ServiceSpec> services, List<Mapping> mappings, List<SecretFileSpec> files,
                          DaemonSettings daemon, RotationPolicy rotation) {
    public AgentConfig {
        sources = List.copyOf(sources);
        roots = List.copyOf(roots);
        // In config order (Map.copyOf's order differs from one JVM run to the next, and so would every report).
        backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
        services = List.copyOf(services);
        mappings = List.copyOf(mappings);
        files = List.copyOf(files);
    }

    public Optional<ServiceSpec> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * The services named on a command line ({@code --service}), all when none is, in config order; an unknown name
     * is an error naming the known ones.
     */
    public List<ServiceSpec> selectServices(Collection<String> names) {
        for (String name : names) {
            if (service(name).isEmpty()) {
                throw new ConfigException("--service " + name + ": no such service in " + sources.get(0)
                        + "; known: " + String.join(", ", services.stream().map(ServiceSpec::name).toList()));
            }
        }
        return services.stream().filter(s -> names.isEmpty() || names.contains(s.name())).toList();
    }

    public Path lockFile() {
        return stateDir.resolve("render.lock");
    }
}
