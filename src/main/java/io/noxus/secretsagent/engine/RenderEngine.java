package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.config.ActionSpec;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.Mapping;
import io.noxus.secretsagent.config.SecretFileSpec;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.output.AtomicWriter;
import io.noxus.secretsagent.output.Fingerprinter;
import io.noxus.secretsagent.output.OutputException;
import io.noxus.secretsagent.output.RenderLock;
import io.noxus.secretsagent.output.StateStore;
import io.noxus.secretsagent.secret.SecretValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One cycle: fetch what the selected outputs need, render them all in memory, compare with the files on disk,
 * write what changed (atomically, under the render lock) and report which services' actions are due. An output
 * whose inputs failed keeps its previous bytes; the others are still written.
 */
public final class RenderEngine {
    private final AgentConfig config;
    private final Map<String, SecretBackend> backends;

    public RenderEngine(AgentConfig config, Map<String, SecretBackend> backends) {
        this.config = config;
        this.backends = Map.copyOf(backends);
    }

    /**
     * What one render did, how to undo its writes service by service, and the rotation age of every reference it
     * read (from the answers it already had: no request of its own).
     */
    public record Rendering(RenderReport report, Rollback rollback, RotationReport rotation) {
    }

    public RenderReport render(RenderOptions options) {
        return run(options).report();
    }

    /** Renders like {@link #render} and keeps the replaced bytes in memory for a rollback. */
    public Rendering run(RenderOptions options) {
        List<ServiceSpec> services = config.selectServices(options.services());
        List<SecretFileSpec> files = config.files().stream()
                .filter(f -> services.stream().anyMatch(s -> f.scope().reaches(s))).toList();
        List<Mapping> mappings = config.mappings().stream()
                .filter(m -> services.stream().anyMatch(s -> m.scope().reaches(s))).toList();
        try (RenderLock lock = options.dryRun() ? null : RenderLock.acquire(config.lockFile(),
                options.lockTimeout(), options.clock(), options.sleeper())) {
            StateStore state = new StateStore(config.stateDir());
            Fingerprinter fingerprinter = state.fingerprinter(options.dryRun());
            SecretResolver resolver = new SecretResolver(backends);
            resolver.fetch(Stream.concat(mappings.stream().map(Mapping::ref), files.stream().map(SecretFileSpec::ref))
                    .toList());
            Resolved resolved = resolver.expand(mappings);
            RotationReport rotation = Rotation.report(mappings, files, services, resolver, options.clock().instant());
            EnvFileRenderer renderer = new EnvFileRenderer(fingerprinter);
            Map<String, StateStore.OutputRecord> previous = state.load();
            OutputComparer comparer = new OutputComparer(fingerprinter, previous);
            List<OutputComparer.Outcome> outcomes = new ArrayList<>();
            for (ServiceSpec service : services) {
                outcomes.add(comparer.compare(service.name(), service.output(), List.of(service.name()),
                        renderer.render(service, resolved)));
            }
            for (SecretFileSpec file : files) {
                List<String> concerned = services.stream().filter(s -> file.scope().reaches(s))
                        .map(ServiceSpec::name).toList();
                outcomes.add(comparer.compare(file.name(), file.file(), concerned,
                        secretFile(file, resolver, fingerprinter)));
            }
            Map<String, StateStore.Hold> holds = state.holds();
            outcomes = outcomes.stream().map(o -> held(o, holds.get(o.spec().path().toString()))).toList();
            if (options.dryRun()) {
                List<OutputResult> results = outcomes.stream().map(OutputComparer.Outcome::result).toList();
                return new Rendering(new RenderReport(true, results, actions(services, results)), Rollback.NONE,
                        rotation);
            }
            AtomicWriter writer = new AtomicWriter(config.roots());
            writer.removeLeftovers(outcomes.stream().map(OutputComparer.Outcome::spec).toList());
            List<Rollback.Saved> saved = new ArrayList<>();
            List<OutputResult> results = new Applier(writer, state, saved).apply(outcomes, previous);
            state.saveHolds(stillHeld(holds, outcomes));
            return new Rendering(new RenderReport(false, results, actions(services, results)),
                    new Rollback(writer, state, config.lockFile(), options.clock(), options.sleeper(), saved), rotation);
        }
    }

    /** Bytes a rollback rejected are not written again: the output keeps its restored content until they change. */
    private static OutputComparer.Outcome held(OutputComparer.Outcome outcome, StateStore.Hold hold) {
        if (hold == null || outcome.record() == null || !outcome.result().status().contentChanged()
                || !hold.fingerprint().equals(outcome.record().file())) {
            return outcome;
        }
        return new OutputComparer.Outcome(outcome.spec(), null, null, OutputComparer.held(outcome.result(),
                outcome.spec().path() + ": held back since " + hold.since() + ": this content made service "
                        + hold.service() + " fail after a restart and was rolled back; it is written again when its "
                        + "secrets change"));
    }

    /** A hold ends once its output renders to other bytes: the secrets changed again. */
    private static Map<String, StateStore.Hold> stillHeld(Map<String, StateStore.Hold> holds,
                                                         List<OutputComparer.Outcome> outcomes) {
        Map<String, StateStore.Hold> kept = new TreeMap<>(holds);
        for (OutputComparer.Outcome o : outcomes) {
            StateStore.Hold hold = kept.get(o.spec().path().toString());
            if (hold != null && o.record() != null && !hold.fingerprint().equals(o.record().file())) {
                kept.remove(o.spec().path().toString());
            }
        }
        return kept;
    }


    private static Rendered secretFile(SecretFileSpec file, SecretResolver resolver, Fingerprinter fingerprinter) {
        try {
            SecretValue value = resolver.value(file.ref());
            String key = file.ref().toString();
            return new Rendered(Optional.of(value.bytes()), Map.of(key, fingerprinter.ofVariable(key, value)),
                    Map.of(key, resolver.version(file.ref()).orElse("")), List.of());
        } catch (BackendException e) {
            return Rendered.failed(List.of(e.getMessage()));
        }
    }

    /** One action per service with a changed output, in config order. */
    private List<PlannedAction> actions(List<ServiceSpec> services, List<OutputResult> results) {
        List<PlannedAction> actions = new ArrayList<>();
        for (ServiceSpec service : services) {
            boolean due = results.stream().anyMatch(r -> r.status().contentChanged()
                    && r.services().contains(service.name()));
            if (due && service.action().kind() != ActionSpec.Kind.NONE) {
                actions.add(new PlannedAction(service));
            }
        }
        return actions;
    }

    /** Writes the changed outputs and records their fingerprints; a failed write fails only that output. */
    private record Applier(AtomicWriter writer, StateStore state, List<Rollback.Saved> saved) {
        List<OutputResult> apply(List<OutputComparer.Outcome> outcomes, Map<String, StateStore.OutputRecord> previous) {
            Map<String, StateStore.OutputRecord> records = new TreeMap<>(previous);
            List<OutputResult> results = new ArrayList<>();
            for (OutputComparer.Outcome outcome : outcomes) {
                OutputResult result = outcome.result();
                if (result.status().written()) {
                    try {
                        if (result.status() == OutputResult.Status.CHANGED) {
                            save(outcome, records.get(result.path()));
                        }
                        writer.write(outcome.spec(), outcome.bytes());
                    } catch (OutputException e) {
                        result = OutputComparer.failed(result, e.getMessage());
                    }
                }
                if (!result.status().failed()) {
                    records.put(result.path(), outcome.record());
                }
                results.add(result);
            }
            state.save(records);
            return results;
        }

        private void save(OutputComparer.Outcome outcome, StateStore.OutputRecord previousRecord) {
            AtomicWriter.current(outcome.spec().path()).ifPresent(previous -> saved.add(new Rollback.Saved(
                    outcome.spec(), previous, previousRecord, outcome.record().file(), outcome.result().services())));
        }
    }
}
