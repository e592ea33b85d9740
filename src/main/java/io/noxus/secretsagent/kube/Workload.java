package io.noxus.secretsagent.kube;

import io.noxus.secretsagent.config.Role;
import io.noxus.secretsagent.config.SecretFileSpec;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.engine.WorkloadVariables.Variable;
import java.util.List;
import java.util.Optional;

/**
 * One Kubernetes workload made from one configured service: frontend, backend, beat, or a worker pool. Its env
 * {@code Secret} holds exactly {@code variables}; its files {@code Secret} holds one key per secret file.
 */
public record Workload(ServiceSpec service, List<Variable> variables, List<SecretFileSpec> files) {
    public String name() {
        return service.name();
    }

    public String secretName() {
        return "noxus-" + name();
    }

    String filesSecretName() {
        return "noxus-" + name() + "-files";
    }

    /** The worker pool in the chart's {@code worker.pools[]}, or empty for frontend, backend and beat. */
    public Optional<String> pool() {
        return service.role() == Role.WORKER ? Optional.of(service.pool().orElse(service.name())) : Optional.empty();
    }

    /** Where the chart takes this workload's values: {@code frontend}, {@code backend}, {@code beat} or a pool. */
    public String chartKey() {
        return pool().map(p -> "worker.pools[" + p + "]").orElse(service.role().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The key of a secret file in the files Secret: its file name. */
    static String fileKey(SecretFileSpec file) {
        return file.file().path().getFileName().toString();
    }
}
