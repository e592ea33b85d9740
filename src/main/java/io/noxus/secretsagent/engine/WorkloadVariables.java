package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.config.Mapping;
import io.noxus.secretsagent.config.Precedence;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.secret.AgentException;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The variables each service receives, by the render's own rules: bulk mappings expanded by the resolver (same
 * prefix, transform and name checks), then one winner per name by {@link Precedence}. For exports that must give a
 * service exactly what a render gives it. Only the secrets of bulk mappings are read, for their field names;
 * {@link #values} is for the one export that writes values.
 */
public final class WorkloadVariables {
    /** One variable of one service: its winning mapping and the exact reference of its value. */
    public record Variable(String name, Mapping mapping, Reference source) {
    }

    private final Map<String, SecretBackend> backends;

    public WorkloadVariables(Map<String, SecretBackend> backends) {
        this.backends = backends;
    }

    /**
     * Each service's variables, sorted by name. Throws when a secret cannot be read or a name is mapped twice at the
     * winning level: an export must not be partial.
     */
    public Map<ServiceSpec, List<Variable>> resolve(List<Mapping> mappings, List<ServiceSpec> services) {
        SecretResolver resolver = new SecretResolver(backends);
        List<Mapping> fetched = mappings.stream().filter(Mapping::bulk).toList();
        resolver.fetch(fetched.stream().map(Mapping::ref).toList());
        Resolved resolved = resolver.expand(fetched);
        resolved.failedBulk().values().stream().findFirst().ifPresent(error -> {
            throw new AgentException(error);
        });
        List<Binding> bindings = new ArrayList<>(resolved.bindings());
        // named mappings need no fetch: their reference is known, and no value is wanted
        mappings.stream().filter(m -> !m.bulk()).forEach(m -> bindings.add(new Binding.Bound(m.env().orElseThrow(),
                m, m.ref(), SecretValue.of(""), Optional.empty())));
        Map<ServiceSpec, List<Variable>> out = new LinkedHashMap<>();
        for (ServiceSpec service : services) {
            Map<String, List<Binding>> byName = bindings.stream().filter(b -> b.scope().reaches(service))
                    .collect(Collectors.groupingBy(Binding::variable, TreeMap::new, Collectors.toList()));
            List<Variable> variables = new ArrayList<>();
            byName.forEach((name, candidates) -> variables.add(variable(name, service, candidates)));
            out.put(service, List.copyOf(variables));
        }
        return out;
    }

    private static Variable variable(String name, ServiceSpec service, List<Binding> candidates) {
        Binding winner = Precedence.choose(name, service, candidates).orElseThrow();
        if (winner instanceof Binding.Unbound unbound) {
            throw new AgentException(unbound.error());
        }
        Binding.Bound bound = (Binding.Bound) winner;
        return new Variable(name, bound.mapping(), bound.source());
    }

    /** The values of these references, fetched once per backend; a failed one throws, naming the reference. */
    public Map<Reference, SecretValue> values(Collection<Reference> refs) {
        SecretResolver resolver = new SecretResolver(backends);
        resolver.fetch(refs);
        Map<Reference, SecretValue> out = new LinkedHashMap<>();
        refs.forEach(ref -> out.put(ref, resolver.value(ref)));
        return out;
    }

}
