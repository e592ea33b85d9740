package io.noxus.secretsagent.config;

import io.noxus.secretsagent.secret.Reference;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads {@code mappings[i]} and {@code files[i]}, checking references and scopes against what is configured. */
final class MappingReader {
    static final String ALLOW = "allow_process_control";
    private final Set<String> backends;
    private final List<ServiceSpec> services;
    private final RotationPolicy rotation;

    MappingReader(Set<String> backends, List<ServiceSpec> services, RotationPolicy rotation) {
        this.backends = backends;
        this.services = services;
        this.rotation = rotation;
    }

    /** The mapping's own rotation policy over the default, or the default. */
    private RotationPolicy rotation(ConfigNode node) {
        return node.optional("rotation").map(n -> RotationPolicy.read(n, rotation)).orElse(rotation);
    }

    Mapping mapping(ConfigNode node) {
        node.onlyKeys("env", "ref", "bulk", "prefix", "transform", "scope", ALLOW, "rotation");
        String location = node.file() + ": " + node.path();
        Scope scope = scope(node.required("scope"));
        if (node.has("bulk")) {
            if (node.has("env") || node.has("ref")) {
                throw node.error("a mapping has either env + ref, or bulk (with prefix and transform), not both");
            }
            ConfigNode bulkNode = node.child("bulk");
            Reference ref = reference(bulkNode);
            if (ref.field().isPresent()) {
                throw bulkNode.error("a bulk mapping takes every field of a secret; drop the #field part");
            }
            if (node.has(ALLOW)) {
                throw node.child(ALLOW).error("a bulk mapping takes its names from the backend and never sets "
                        + "process-control variables; map such a variable on its own with env: and " + ALLOW);
            }
            String prefix = prefix(node);
            Mapping.NameTransform transform = node.optional("transform").map(MappingReader::transform)
                    .orElse(Mapping.NameTransform.NONE);
            return new Mapping(location, scope, Optional.empty(), ref, prefix, transform, false, rotation(node));
        }
        if (node.has("prefix") || node.has("transform")) {
            throw node.error("prefix and transform belong to bulk mappings");
        }
        ConfigNode envNode = node.required("env");
        String env = envNode.text();
        if (!EnvName.valid(env)) {
            throw envNode.error("'" + env + "' is not a valid variable name (" + EnvName.PATTERN + ")");
        }
        boolean allow = node.optional(ALLOW).map(ConfigNode::bool).orElse(false);
        Optional<String> control = ProcessControlNames.reason(env);
        if (control.isPresent() && !allow) {
            throw envNode.error("'" + env + "' changes how programs load or run: " + control.get() + ". A secret "
                    + "should not set it; if this mapping is meant, add " + ALLOW + ": true to it");
        }
        if (control.isEmpty() && allow) {
            throw node.child(ALLOW).error("'" + env + "' is not a process-control variable; remove " + ALLOW);
        }
        return new Mapping(location, scope, Optional.of(env), reference(node.required("ref")), "",
                Mapping.NameTransform.NONE, allow, rotation(node));
    }

    /** The bulk prefix: a valid name start, and not one that makes every resulting name a process-control one. */
    private static String prefix(ConfigNode node) {
        Optional<ConfigNode> prefixNode = node.optional("prefix");
        String prefix = prefixNode.map(ConfigNode::text).orElse("");
        if (!EnvName.validPrefix(prefix)) {
            throw prefixNode.orElseThrow().error("a prefix must itself be a valid variable name start ("
                    + EnvName.PATTERN + ")");
        }
        Optional<String> control = ProcessControlNames.reasonForEveryNameWithPrefix(prefix);
        if (control.isPresent()) {
            throw prefixNode.orElseThrow().error("every variable named '" + prefix + "...' changes how programs "
                    + "load or run: " + control.get() + ". A bulk mapping never sets such names");
        }
        return prefix;
    }

    SecretFileSpec secretFile(ConfigNode node) {
        node.onlyKeys("path", "ref", "scope", "mode", "owner", "group", "rotation");
        OutputSpec file = OutputReader.file(node, OutputFormat.RAW, 0400, 0440);
        return new SecretFileSpec(node.file() + ": " + node.path(), file, reference(node.required("ref")),
                scope(node.required("scope")), rotation(node));
    }

    private Reference reference(ConfigNode node) {
        Reference ref;
        try {
            ref = Reference.parse(node.text());
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
        if (!backends.contains(ref.backend())) {
            throw node.error("unknown backend '" + ref.backend() + "'; configured backends: " + names(backends));
        }
        return ref;
    }

    private Scope scope(ConfigNode node) {
        Scope scope = Scope.parse(node.text());
        if (scope == null) {
            throw node.error("unknown scope '" + node.text() + "'; expected global, workers, pool:NAME or service:NAME");
        }
        boolean known = switch (scope.level()) {
            case GLOBAL, WORKERS -> true;
            case POOL -> services.stream().anyMatch(s -> s.pool().equals(scope.name()));
            case SERVICE -> services.stream().anyMatch(s -> s.role() != Role.MAIN
                    && s.name().equals(scope.name().orElseThrow()));
        };
        if (!known) {
            throw node.error("unknown scope '" + scope + "': no configured " + (scope.level() == Scope.Level.POOL
                    ? "worker has pool " + scope.name().orElseThrow() : "service has that name"));
        }
        return scope;
    }

    private static Mapping.NameTransform transform(ConfigNode node) {
        return switch (node.text()) {
            case "none" -> Mapping.NameTransform.NONE;
            case "upper" -> Mapping.NameTransform.UPPER;
            default -> throw node.error("unknown transform; expected none or upper");
        };
    }

    private static String names(Collection<String> names) {
        return names.isEmpty() ? "(none)" : String.join(", ", names.stream().sorted().toList());
    }
}
