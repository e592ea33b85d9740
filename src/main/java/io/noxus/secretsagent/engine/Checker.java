package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.RotationSchedule;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.ConfigException;
import io.noxus.secretsagent.config.CredentialFiles;
import io.noxus.secretsagent.config.FilePermissions;
import io.noxus.secretsagent.config.Mapping;
import io.noxus.secretsagent.config.Precedence;
import io.noxus.secretsagent.config.ProcessControlNames;
import io.noxus.secretsagent.config.SecretFileSpec;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.format.EnvFormats;
import io.noxus.secretsagent.output.AtomicWriter;
import io.noxus.secretsagent.secret.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Builds the {@link CheckReport}: scope matrix, loose permissions, and (optionally) a fetch of every reference. */
public final class Checker {
    private final AgentConfig config;
    private final Map<String, SecretBackend> backends;

    public Checker(AgentConfig config, Map<String, SecretBackend> backends) {
        this.config = config;
        this.backends = backends;
    }

    /** Every finding at once: a root or the state folder failing the host check a render would refuse it for, too. */
    public CheckReport check(boolean askBackends, Map<String, String> environment) {
        List<String> errors = new ArrayList<>();
        for (Path root : config.roots()) {
            verify(root, errors);
        }
        verify(config.stateDir(), errors);
        List<String> services = config.services().stream().map(ServiceSpec::name).toList();
        List<CheckReport.Row> rows = new ArrayList<>();
        for (Mapping m : config.mappings()) {
            rows.add(new CheckReport.Row(m.label(), m.ref().toString(), m.scope().toString(), cells(m)));
        }
        for (SecretFileSpec f : config.files()) {
            List<String> cells = config.services().stream().map(s -> f.scope().reaches(s) ? "x" : ".").toList();
            rows.add(new CheckReport.Row(f.name(), f.ref().toString(), f.scope().toString(), cells));
        }
        return new CheckReport(services, rows, errors, warnings(environment), askBackends ? references() : List.of());
    }

    private static void verify(Path root, List<String> errors) {
        try {
            new AtomicWriter(List.of(root)).verifyRoots();
        } catch (AgentException e) {
            errors.add(e.getMessage());
        }
    }

    /** {@code x} receives it, {@code o} shadowed by a narrower mapping of the same variable, {@code .} not reached. */
    private List<String> cells(Mapping m) {
        List<String> cells = new ArrayList<>();
        for (ServiceSpec s : config.services()) {
            if (!m.scope().reaches(s)) {
                cells.add(".");
                continue;
            }
            boolean shadowed = m.env().isPresent() && config.mappings().stream().anyMatch(other -> other != m
                    && other.env().equals(m.env()) && other.scope().reaches(s)
                    && other.scope().level().compareTo(m.scope().level()) > 0);
            cells.add(shadowed ? "o" : "x");
        }
        return cells;
    }

    private List<String> warnings(Map<String, String> environment) {
        List<String> warnings = new ArrayList<>();
        for (Mapping m : config.mappings()) {
            if (m.allowProcessControl()) {
                List<String> reached = config.services().stream().filter(s -> m.scope().reaches(s))
                        .map(ServiceSpec::name).toList();
                warnings.add(m.location() + ": " + m.env().orElseThrow() + " changes how programs load or run: "
                        + ProcessControlNames.reason(m.env().orElseThrow()).orElse("process control")
                        + ". Allowed by allow_process_control; it reaches " + String.join(", ", reached));
            }
            m.env().ifPresent(name -> config.services().stream().filter(s -> m.scope().reaches(s))
                    .forEach(s -> EnvFormats.of(s.output().format()).refusedName(name).ifPresent(why -> warnings.add(
                            m.location() + ": " + name + " cannot be written to " + s.output().path() + " (format "
                                    + s.output().format().label() + "): " + why))));
        }
        CredentialFiles.of(config, environment).forEach((path, what) -> {
            // The AWS SDK's shared files are optional (instance roles need none): only an existing one is checked.
            if (Files.exists(path) || !what.startsWith("the AWS")) {
                warnLoose(path, what.replaceFirst("^the ", ""), warnings);
            }
        });
        return warnings;
    }

    private static void warnLoose(Path path, String what, List<String> warnings) {
        try {
            var perms = Files.getPosixFilePermissions(path);
            if ((FilePermissions.toMode(perms) & 0077) != 0) {
                warnings.add(path + ": the " + what + " has mode " + FilePermissions.modeText(perms)
                        + ", so group or others may read or write it; run chmod 600 on it");
            }
        } catch (IOException e) {
            warnings.add(path + ": cannot read the permissions of the " + what);
        }
    }

    /**
     * Fetches every reference the selected services need (all when none is named) and tells, per reference, how old
     * its value is against its rotation policy at {@code now}.
     */
    public RotationReport rotation(List<String> serviceNames, Instant now) {
        List<ServiceSpec> services = config.services().stream()
                .filter(s -> serviceNames.isEmpty() || serviceNames.contains(s.name())).toList();
        List<Mapping> mappings = config.mappings().stream()
                .filter(m -> services.stream().anyMatch(s -> m.scope().reaches(s))).toList();
        List<SecretFileSpec> files = config.files().stream()
                .filter(f -> services.stream().anyMatch(s -> f.scope().reaches(s))).toList();
        SecretResolver resolver = new SecretResolver(backends);
        resolver.fetch(Stream.concat(mappings.stream().map(Mapping::ref), files.stream().map(SecretFileSpec::ref))
                .toList());
        Map<Reference, RotationSchedule> schedules = new HashMap<>();
        Stream.concat(mappings.stream().map(Mapping::ref), files.stream().map(SecretFileSpec::ref))
                .map(Reference::document).collect(Collectors.groupingBy(Reference::backend,
                        Collectors.toCollection(LinkedHashSet::new)))
                .forEach((name, docs) -> schedules.putAll(backends.get(name).schedules(docs)));
        return Rotation.report(mappings, files, services, resolver, schedules, now);
    }

    /**
     * The bulk mappings whose variables, as the backends name them now, another mapping gives one service at the same
     * level (a render would fail that service's output), each with the first such collision.
     */
    private Map<Mapping, String> collisions(SecretResolver resolver) {
        List<Binding> bindings = resolver.expand(config.mappings()).bindings();
        Map<Mapping, String> out = new HashMap<>();
        for (ServiceSpec service : config.services()) {
            bindings.stream().filter(b -> b.scope().reaches(service))
                    .collect(Collectors.groupingBy(Binding::variable, TreeMap::new, Collectors.toList()))
                    .forEach((name, candidates) -> {
                        try {
                            Precedence.choose(name, service, candidates);
                        } catch (ConfigException e) {
                            candidates.stream().map(Binding::mapping).filter(Mapping::bulk)
                                    .forEach(m -> out.putIfAbsent(m, e.getMessage()));
                        }
                    });
        }
        return out;
    }

    /** Fetches every reference once and reports each mapping and secret file: ok, or its error. */
    private List<CheckReport.ReferenceCheck> references() {
        SecretResolver resolver = new SecretResolver(backends);
        resolver.fetch(Stream.concat(config.mappings().stream().map(Mapping::ref),
                config.files().stream().map(SecretFileSpec::ref)).toList());
        List<CheckReport.ReferenceCheck> out = new ArrayList<>();
        Map<Mapping, String> collisions = collisions(resolver);
        for (Mapping m : config.mappings()) {
            Resolved r = resolver.expand(List.of(m));
            Optional<String> error = Stream.concat(Stream.concat(r.failedBulk().values().stream(),
                    r.bindings().stream().filter(Binding.Unbound.class::isInstance)
                            .map(b -> ((Binding.Unbound) b).error())), Optional.ofNullable(collisions.get(m)).stream())
                    .findFirst();
            out.add(new CheckReport.ReferenceCheck(m.ref().toString(), error.isEmpty(),
                    error.orElse(m.bulk() ? "ok, " + r.bindings().size() + " variables" : "ok")));
        }
        for (SecretFileSpec f : config.files()) {
            try {
                resolver.value(f.ref());
                out.add(new CheckReport.ReferenceCheck(f.ref().toString(), true, "ok"));
            } catch (BackendException e) {
                out.add(new CheckReport.ReferenceCheck(f.ref().toString(), false, e.getMessage()));
            }
        }
        return out;
    }
}
