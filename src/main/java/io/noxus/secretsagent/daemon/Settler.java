package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.engine.PlannedAction;
import io.noxus.secretsagent.engine.Rollback;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Services whose files changed and whose action waits: the first change opens a settle window (plus this host's
 * splay), later changes within it join the same single action. The rollback kept restores the bytes from before the
 * window opened and rejects the last ones written ({@link Rollback#then}).
 */
final class Settler {
    /** One waiting action. */
    record Pending(PlannedAction action, Instant due, Rollback rollback, Set<String> outputs) {
        String service() {
            return action.service().name();
        }
    }

    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private Duration settle;
    private Duration splay;

    Settler(Duration settle, Duration splay) {
        this.settle = settle;
        this.splay = splay;
    }

    /** New timings, and the waiting actions bound to the services of the new config (gone services drop out). */
    void reconfigure(Duration newSettle, Duration newSplay, AgentConfig config) {
        this.settle = newSettle;
        this.splay = newSplay;
        pending.replaceAll((name, p) -> config.service(name).map(s -> new Pending(new PlannedAction(s), p.due(),
                p.rollback(), p.outputs())).orElse(null));
        pending.values().removeIf(java.util.Objects::isNull);
    }

    void changed(PlannedAction action, Instant now, Rollback rollback, List<String> outputs) {
        Pending old = pending.get(action.service().name());
        Set<String> allOutputs = new LinkedHashSet<>(old == null ? List.of() : old.outputs());
        allOutputs.addAll(outputs);
        pending.put(action.service().name(), new Pending(action, old == null ? now.plus(settle).plus(splay) : old.due(),
                old == null ? rollback : old.rollback().then(rollback), allOutputs));
    }

    /** Restores a pending action read back from the state file after a restart of the daemon (no rollback). */
    void resume(PlannedAction action, Instant due) {
        pending.putIfAbsent(action.service().name(), new Pending(action, due, Rollback.NONE, Set.of()));
    }

    /** Puts back an action that was due but not started (the daemon is stopping): it is saved and resumed. */
    void putBack(Pending p) {
        pending.putIfAbsent(p.service(), p);
    }

    /** The actions due now, in the given service order; they leave the queue. */
    List<Pending> takeDue(Instant now, List<String> order) {
        List<Pending> due = new ArrayList<>();
        for (String service : order) {
            Pending p = pending.get(service);
            if (p != null && !now.isBefore(p.due())) {
                due.add(pending.remove(service));
            }
        }
        return due;
    }

    Optional<Instant> next() {
        return pending.values().stream().map(Pending::due).min(Instant::compareTo);
    }

    Map<String, Instant> waiting() {
        Map<String, Instant> out = new LinkedHashMap<>();
        pending.forEach((s, p) -> out.put(s, p.due()));
        return out;
    }

    /**
     * This host's offset within {@code [0, splay)}: from /etc/machine-id, so it is stable across restarts and spread
     * across a fleet. Hashed with a fixed label, as systemd asks for derived ids (the raw id is never exposed).
     */
    static Duration splayOffset(String machineId, Duration splay) {
        if (splay.isZero() || machineId.isBlank()) {
            return Duration.ZERO;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("noxus-secrets-agent splay\0" + machineId.strip())
                    .getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return Duration.ofMillis(Math.floorMod(v, splay.toMillis()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
