package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.config.OutputFormat;
import io.noxus.secretsagent.config.OutputSpec;
import io.noxus.secretsagent.engine.OutputResult.Status;
import io.noxus.secretsagent.engine.OutputResult.VariableDiff;
import io.noxus.secretsagent.output.AtomicWriter;
import io.noxus.secretsagent.output.Fingerprinter;
import io.noxus.secretsagent.output.OutputException;
import io.noxus.secretsagent.output.StateStore.OutputRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares a rendered output with the file on disk: created, changed, permissions drifted, or unchanged, and which
 * variables were added, removed or changed (from the keyed fingerprints the last write recorded).
 */
final class OutputComparer {
    /** A compared output: what would be written, its fingerprints, and the result to report. */
    record Outcome(OutputSpec spec, byte[] bytes, OutputRecord record, OutputResult result) {
    }

    private final Fingerprinter fingerprinter;
    private final Map<String, OutputRecord> previous;

    OutputComparer(Fingerprinter fingerprinter, Map<String, OutputRecord> previous) {
        this.fingerprinter = fingerprinter;
        this.previous = previous;
    }

    Outcome compare(String name, OutputSpec spec, List<String> services, Rendered rendered) {
        OutputResult base = new OutputResult(name, spec.format() == OutputFormat.RAW ? "file" : "env",
                spec.path().toString(), spec.format().label(), Status.FAILED, VariableDiff.NONE,
                List.copyOf(services), rendered.references(), rendered.errors());
        if (rendered.bytes().isEmpty()) {
            return new Outcome(spec, null, null, base);
        }
        byte[] bytes = rendered.bytes().get();
        OutputRecord record = new OutputRecord(fingerprinter.ofBytes(bytes), rendered.variables());
        try {
            Optional<byte[]> current = AtomicWriter.current(spec.path());
            if (current.isEmpty()) {
                VariableDiff diff = new VariableDiff(List.copyOf(record.variables().keySet()), List.of(), List.of(),
                        false);
                return new Outcome(spec, bytes, record, with(base, Status.CREATED, diff));
            }
            if (Arrays.equals(current.get(), bytes)) {
                Status status = AtomicWriter.metadataMatches(spec, spec.path()) ? Status.UNCHANGED : Status.PERMISSIONS;
                return new Outcome(spec, bytes, record, with(base, status, VariableDiff.NONE));
            }
            return new Outcome(spec, bytes, record, with(base, Status.CHANGED, diff(spec, current.get(), record)));
        } catch (OutputException e) {
            return new Outcome(spec, null, null, failed(base, e.getMessage()));
        } catch (IOException e) {
            return new Outcome(spec, null, null, failed(base, spec.path() + ": cannot inspect the existing file ("
                    + e.getClass().getSimpleName() + ")"));
        }
    }

    private VariableDiff diff(OutputSpec spec, byte[] current, OutputRecord now) {
        OutputRecord before = previous.get(spec.path().toString());
        if (before == null || !before.file().equals(fingerprinter.ofBytes(current))) {
            return new VariableDiff(List.of(), List.of(), List.copyOf(now.variables().keySet()), true);
        }
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        now.variables().forEach((name, fp) -> {
            String old = before.variables().get(name);
            if (old == null) {
                added.add(name);
            } else if (!old.equals(fp)) {
                changed.add(name);
            }
        });
        List<String> removed = before.variables().keySet().stream()
                .filter(name -> !now.variables().containsKey(name)).toList();
        return new VariableDiff(added, removed, changed, false);
    }

    private static OutputResult with(OutputResult base, Status status, VariableDiff diff) {
        return new OutputResult(base.name(), base.kind(), base.path(), base.format(), status, diff, base.services(),
                base.references(), List.of());
    }

    static OutputResult failed(OutputResult result, String error) {
        return withError(result, Status.FAILED, error);
    }

    /** Not written: a rollback rejected this content. */
    static OutputResult held(OutputResult result, String error) {
        return withError(result, Status.HELD, error);
    }

    private static OutputResult withError(OutputResult result, Status status, String error) {
        List<String> errors = new ArrayList<>(result.errors());
        errors.add(error);
        return new OutputResult(result.name(), result.kind(), result.path(), result.format(), status,
                VariableDiff.NONE, result.services(), result.references(), errors);
    }
}
