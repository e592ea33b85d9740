package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.backend.Backends;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A loaded config and the backends it names, wired once; the commands work through it. */
public final class AgentContext implements AutoCloseable {
    private final AgentConfig config;
    private final Map<String, SecretBackend> backends;

    private AgentContext(AgentConfig config, Map<String, SecretBackend> backends) {
        this.config = config;
        this.backends = backends;
    }

    public static AgentContext open(Path configFile) {
        AgentConfig config = ConfigLoader.load(configFile);
        Map<String, SecretBackend> backends = new LinkedHashMap<>();
        config.backends().forEach((name, settings) -> backends.put(name, Backends.create(settings)));
        return new AgentContext(config, backends);
    }

    /** A context over backends made elsewhere (tests: a backend that fails on purpose). */
    public static AgentContext of(AgentConfig config, Map<String, SecretBackend> backends) {
        return new AgentContext(config, new LinkedHashMap<>(backends));
    }

    public AgentConfig config() {
        return config;
    }

    /** The backends, for a caller that wraps them (the daemon polls each on its own schedule). */
    public Map<String, SecretBackend> backends() {
        return java.util.Collections.unmodifiableMap(backends);
    }

    public RenderEngine renderEngine() {
        return new RenderEngine(config, backends);
    }

    public CheckReport check(boolean askBackends) {
        return new Checker(config, backends).check(askBackends);
    }

    @Override
    public void close() {
        backends.values().forEach(SecretBackend::close);
    }
}
