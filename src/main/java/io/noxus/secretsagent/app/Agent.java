package io.noxus.secretsagent.app;

import io.noxus.secretsagent.action.ActionResult;
import io.noxus.secretsagent.action.ActionRunner;
import io.noxus.secretsagent.backend.Backends;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.ConfigLoader;
import io.noxus.secretsagent.engine.CheckReport;
import io.noxus.secretsagent.engine.Checker;
import io.noxus.secretsagent.engine.PlannedAction;
import io.noxus.secretsagent.engine.RenderEngine;
import io.noxus.secretsagent.engine.RenderOptions;
import io.noxus.secretsagent.engine.Rollback;
import io.noxus.secretsagent.engine.RotationReport;
import java.util.List;
import java.util.Optional;
import io.noxus.secretsagent.kube.KubernetesExport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one composition root: a loaded config, its backends and the action runner, wired once on a {@link Host}.
 * "Render, then act" has this one owner; {@code render} (by hand or from Ansible) and the daemon both call
 * {@link #render} and then {@link #act} for each planned action.
 */
public final class Agent implements AutoCloseable {
    /** Wraps each backend as it is built (the daemon puts its poll schedule around each one). */
    @FunctionalInterface
    public interface Decorator {
        Decorator NONE = (config, name, backend) -> backend;

        SecretBackend wrap(AgentConfig config, String name, SecretBackend backend);
    }

    /** How to open a config into an agent; the daemon re-opens through it on reload. */
    @FunctionalInterface
    public interface Opener {
        Agent open(Path configFile, Decorator decorator);
    }

    private final AgentConfig config;
    private final Map<String, SecretBackend> backends;
    private final Host host;
    private final ActionRunner runner;

    private Agent(AgentConfig config, Map<String, SecretBackend> backends, Host host) {
        this.config = config;
        this.backends = backends;
        this.host = host;
        this.runner = ActionRunner.forHost(config.daemon().healthTimeout(), host.clock(), host.sleeper(),
                host.commands());
    }

    public static Agent open(Path configFile, Host host) {
        return open(configFile, host, Decorator.NONE);
    }

    /** Loads and validates the config (a bad one throws, naming file and key) and builds its backends. */
    public static Agent open(Path configFile, Host host, Decorator decorator) {
        AgentConfig config = ConfigLoader.load(configFile, host.environment());
        Map<String, SecretBackend> backends = new LinkedHashMap<>();
        try {
            config.backends().forEach((name, settings) -> backends.put(name,
                    decorator.wrap(config, name, Backends.create(settings, host.clock(), host.environment()))));
        } catch (RuntimeException e) {
            backends.values().forEach(SecretBackend::close);
            throw e;
        }
        return new Agent(config, backends, host);
    }

    /** The usual opener on this host. */
    public static Opener opener(Host host) {
        return (file, decorator) -> open(file, host, decorator);
    }

    public AgentConfig config() {
        return config;
    }

    /** Fetches, renders, compares and writes (unless a dry run); content a rollback rejected stays held back. */
    public RenderEngine.Rendering render(RenderRequest request) {
        return new RenderEngine(config, backends).run(new RenderOptions(request.services(), request.dryRun(),
                request.lockTimeout(), host.clock(), host.sleeper()));
    }

    /**
     * Applies one planned action; when its restarted units do not come up and the service asks for a rollback, the
     * render's previous bytes are put back and the rejected content is held back in the state folder.
     */
    public ActionResult act(PlannedAction action, Rollback rollback) {
        return runner.run(action.service(), () -> rollback.restore(action.service().name()));
    }

    /** Fetches what the services need (all when none is named) and judges each reference's age on the host's clock. */
    public RotationReport rotation(List<String> services) {
        config.selectServices(services);
        return new Checker(config, backends).rotation(services, host.clock().instant());
    }

    /**
     * The narrowest read policy ({@code vault}: HCL, {@code aws}: IAM JSON, {@code azure}: role assignments) for what
     * the services need (all when none is named); {@code account} fills the account of AWS secrets named by name,
     * {@code subscription} and {@code resourceGroup} the scope of Azure vaults (empty: marked placeholders);
     * {@code json} prints Azure's assignments as JSON instead of {@code az} commands.
     */
    public String policy(String kind, List<String> services, Optional<String> account, Optional<String> subscription,
                         Optional<String> resourceGroup, boolean json) {
        return new Policies(config, backends).policy(kind, config.selectServices(services),
                new Policies.Options(account, subscription, resourceGroup, json));
    }

    /** The config's findings and the host's (units exist, roots writable under the agent unit's sandbox), all at once. */
    public CheckReport check(boolean askBackends) {
        HostChecks host = new HostChecks(this.host.commands()).run(config);
        return new Checker(config, backends).check(askBackends, this.host.environment()).with(host.errors,
                host.warnings);
    }

    /** The Kubernetes export of this config (reads bulk secrets for their field names, and values only in plain mode). */
    public KubernetesExport kubernetes() {
        return new KubernetesExport(config, backends);
    }

    @Override
    public void close() {
        backends.values().forEach(SecretBackend::close);
    }
}
