package io.noxus.secretsagent.config;

import java.nio.file.Path;
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
        backends = Map.copyOf(backends);
        services = List.copyOf(services);
        mappings = List.copyOf(mappings);
        files = List.copyOf(files);
    }

    public Optional<ServiceSpec> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Path lockFile() {
        return stateDir.resolve("render.lock");
    }
}
