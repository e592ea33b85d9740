package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.config.OutputSpec;
import io.noxus.secretsagent.output.AtomicWriter;
import io.noxus.secretsagent.output.RenderLock;
import io.noxus.secretsagent.output.StateStore;
import io.noxus.secretsagent.output.StateStore.OutputRecord;
import io.noxus.secretsagent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The bytes each output had before a render replaced them, kept in memory only (never on disk), so that an action
 * whose restarted unit does not come up can put them back. The replaced bytes' fingerprints are what the daemon
 * then holds back until the source changes again.
 */
public final class Rollback {
    record Saved(OutputSpec spec, byte[] previous, OutputRecord previousRecord, String rejected,
                 List<String> services) {
    }

    public static final Rollback NONE = new Rollback(null, null, null, List.of());
    private final AtomicWriter writer;
    private final StateStore state;
    private final java.nio.file.Path lockFile;
    private final List<Saved> saved;

    Rollback(AtomicWriter writer, StateStore state, java.nio.file.Path lockFile, List<Saved> saved) {
        this.writer = writer;
        this.state = state;
        this.lockFile = lockFile;
        this.saved = List.copyOf(saved);
    }

    /** Restores every output of this service that the render replaced; false when there is none to restore. */
    public boolean restore(String service) {
        List<Saved> mine = mine(service);
        if (mine.isEmpty()) {
            return false;
        }
        try (RenderLock lock = RenderLock.acquire(lockFile, Duration.ofSeconds(60), Clock.systemUTC(),
                Sleeper.SYSTEM)) {
            Map<String, OutputRecord> records = new TreeMap<>(state.load());
            for (Saved s : mine) {
                writer.write(s.spec(), s.previous());
                if (s.previousRecord() != null) {
                    records.put(s.spec().path().toString(), s.previousRecord());
                } else {
                    records.remove(s.spec().path().toString());
                }
            }
            state.save(records);
        }
        return true;
    }

    /** Keyed fingerprints of the bytes this service's render wrote (those a rollback rejects). */
    public Set<String> rejected(String service) {
        return mine(service).stream().map(Saved::rejected).collect(Collectors.toUnmodifiableSet());
    }

    private List<Saved> mine(String service) {
        return saved.stream().filter(s -> s.services().contains(service)).toList();
    }

    @Override
    public String toString() {
        return "Rollback[" + saved.size() + " outputs, bytes redacted]";
    }
}
