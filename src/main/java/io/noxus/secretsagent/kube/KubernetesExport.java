package io.noxus.secretsagent.kube;

import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.ConfigException;
import io.noxus.secretsagent.config.Role;
import io.noxus.secretsagent.config.SecretFileSpec;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.engine.WorkloadVariables;
import io.noxus.secretsagent.engine.WorkloadVariables.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;

/**
 * {@code export kubernetes}: the same config, the same precedence, as Kubernetes objects. One workload per
 * configured service (the main {@code /env.vm} has none): its variables are exactly those a render gives that
 * service ({@link WorkloadVariables}); its files are the {@code files:} whose scope reaches it.
 */
public final class KubernetesExport {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?");

    /** The manifests and the Helm values fragment ({@code values-noxus.yaml}). */
    public record Result(List<Manifest> manifests, Map<String, Object> values, List<Workload> workloads) {
    }

    private final AgentConfig config;
    private final Map<String, SecretBackend> backends;

    public KubernetesExport(AgentConfig config, Map<String, SecretBackend> backends) {
        this.config = config;
        this.backends = backends;
    }

    public Result run(ExportOptions options) {
        List<Workload> workloads = workloads(options.services());
        RemoteRefs refs = new RemoteRefs(config.backends(), options);
        SecretManifests secrets = new SecretManifests(options, refs,
                config.daemon().pollInterval().toSeconds() + "s");
        Map<Reference, SecretValue> values = options.plainSecrets() ? new WorkloadVariables(backends).values(
                workloads.stream().flatMap(w -> Stream.concat(w.variables().stream().map(Variable::source),
                        w.files().stream().map(SecretFileSpec::ref))).distinct().toList()) : Map.of();
        List<Manifest> manifests = secrets.of(workloads, ref -> values.get(ref).bytes());
        return new Result(manifests, HelmValues.of(workloads), workloads);
    }

    /** The workloads of the selected services (all but the main env file), in config order. */
    public List<Workload> workloads(List<String> names) {
        for (String name : names) {
            if (config.service(name).filter(s -> s.role() != Role.MAIN).isEmpty()) {
                throw new ConfigException("--service " + name + ": no such service in " + config.sources().get(0));
            }
        }
        List<ServiceSpec> services = config.services().stream().filter(s -> s.role() != Role.MAIN)
                .filter(s -> names.isEmpty() || names.contains(s.name())).toList();
        for (ServiceSpec s : services) {
            if (!DNS_LABEL.matcher(s.name()).matches()) {
                throw new ConfigException("services." + s.name() + ": not usable as a Kubernetes name (lower-case "
                        + "letters, digits and '-', at most 42 characters, starting and ending alphanumeric); "
                        + "rename the service");
            }
        }
        Map<ServiceSpec, List<Variable>> variables = new WorkloadVariables(backends)
                .resolve(config.mappings(), services);
        List<Workload> out = new ArrayList<>();
        for (ServiceSpec s : services) {
            List<SecretFileSpec> files = config.files().stream().filter(f -> f.scope().reaches(s)).toList();
            Workload w = new Workload(s, variables.get(s), files);
            SecretManifests.requireDistinctFileKeys(w);
            out.add(w);
        }
        return out;
    }
}
