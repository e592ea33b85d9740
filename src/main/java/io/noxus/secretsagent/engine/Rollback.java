package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.config.OutputSpec;
import io.noxus.secretsagent.output.AtomicWriter;
import io.noxus.secretsagent.output.RenderLock;
import io.noxus.secretsagent.output.StateStore;
import io.noxus.secretsagent.output.StateStore.Hold;
import io.noxus.secretsagent.output.StateStore.OutputRecord;
import io.noxus.secretsagent.time.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes each output had before a render replaced them, kept in memory only (never on disk), so that an action
 * whose restarted unit does not come up can put them back. A restore also records, in the state folder, the keyed
 * fingerprint of the bytes it rejected: every later render (the daemon's, a hand or Ansible one, a restarted
 * daemon's) holds that content back until the secrets change again.
 */
public final class Rollback {
    record Saved(OutputSpec spec, byte[] previous, OutputRecord previousRecord, String rejected,
                 List<String> services) {
    }

    /** Used by one lock-holding step; it waits at most this long for a render that holds the lock. */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(60);
    public static final Rollback NONE = new Rollback(null, null, null, null, null, List.of());
    private final AtomicWriter writer;
    private final StateStore state;
    private final Path lockFile;
    private final Clock clock;
    private final Sleeper sleeper;
    private final List<Saved> saved;

    Rollback(AtomicWriter writer, StateStore state, Path lockFile, Clock clock, Sleeper sleeper, List<Saved> saved) {
        this.writer = writer;
        this.state = state;
        this.lockFile = lockFile;
        this.clock = clock;
        this.sleeper = sleeper;
        this.saved = List.copyOf(saved);
    }

    /**
     * Restores every output of this service that the render replaced and holds the rejected content back; false
     * when there is nothing to restore.
     */
    public boolean restore(String service) {
        List<Saved> mine = saved.stream().filter(s -> s.services().contains(service)).toList();
        if (mine.isEmpty()) {
            return false;
        }
        try (RenderLock lock = RenderLock.acquire(lockFile, LOCK_WAIT, clock, sleeper)) {
            Map<String, OutputRecord> records = new TreeMap<>(state.load());
            Map<String, Hold> holds = new TreeMap<>(state.holds());
            for (Saved s : mine) {
                String path = s.spec().path().toString();
                writer.write(s.spec(), s.previous());
                if (s.previousRecord() != null) {
                    records.put(path, s.previousRecord());
                } else {
                    records.remove(path);
                }
                holds.put(path, new Hold(s.rejected(), service, clock.instant().toString()));
            }
            state.save(records);
            state.saveHolds(holds);
        }
        return true;
    }

    /**
     * This rollback followed by a later one (changes coalesced into one action): per output, the bytes from before
     * the first write are restored, and the content rejected is the last written.
     */
    public Rollback then(Rollback later) {
        if (saved.isEmpty()) {
            return later;
        }
        if (later.saved.isEmpty()) {
            return this;
        }
        Map<Path, Saved> merged = new LinkedHashMap<>();
        saved.forEach(s -> merged.put(s.spec().path(), s));
        later.saved.forEach(l -> merged.merge(l.spec().path(), l, (first, last) -> new Saved(last.spec(),
                first.previous(), first.previousRecord(), last.rejected(), last.services())));
        return new Rollback(later.writer, later.state, later.lockFile, later.clock, later.sleeper,
                new ArrayList<>(merged.values()));
    }

    @Override
    public String toString() {
        return "Rollback[" + saved.size() + " outputs, bytes redacted]";
    }
}
