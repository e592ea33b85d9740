package io.noxus.secretsagent.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Turns the daemon's per-cycle view into the lines operators look for in the journal: each state change once (an
 * output turning stale or held and back, a backend failing and recovering), with the error and what to do, and a
 * reminder at most every {@link #REMIND_EVERY} while it lasts. Failures and reminders are errors ({@code <3>});
 * recoveries are warnings ({@code <4>}), so {@code journalctl -p warning} shows every incident with its end.
 * Times come from the caller (the host's clock), so a manual clock drives it in tests.
 */
final class Transitions {
    static final Duration REMIND_EVERY = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(Transitions.class);

    /** Where the lines go: the log, or a list in tests. */
    interface Sink {
        Sink LOG_SINK = (level, line) -> LOG.atLevel(level).log(line);

        void line(Level level, String line);
    }

    /** One open incident: since when, and when last told. */
    private record Incident(Instant since, Instant told) {
    }

    private final Sink sink;
    private final Map<String, Incident> open = new HashMap<>();

    Transitions(Sink sink) {
        this.sink = sink;
    }

    /** One output after a cycle; {@code state} is {@code ok}, {@code stale} or {@code held}. */
    void output(String name, String path, String state, List<String> errors, Instant now) {
        String key = "output " + name + " (" + path + ")";
        String error = errors.isEmpty() ? "no error recorded" : String.join("; ", errors.stream().distinct().toList());
        if (state.equals("ok")) {
            closed(key, now, "is ok again after %s; its file is current");
        } else {
            opened(key, now, "is " + state + ": " + error + (state.equals("held") ? "" : " (the file keeps its "
                    + "last-known-good content until this is fixed)"));
        }
    }

    /** One backend after a cycle: failing since when (empty: answering), with its last error. */
    void backend(String name, Optional<Instant> failingSince, Optional<String> error, Instant now) {
        String key = "backend " + name;
        if (failingSince.isEmpty()) {
            closed(key, now, "recovered after %s failing; the outputs that need it are rendered again");
        } else {
            opened(key, now, "is failing: " + error.orElse("no error recorded") + " (the outputs that need it keep "
                    + "their last-known-good content; test with: noxus-secrets-agent check --backends)");
        }
    }

    private void opened(String key, Instant now, String what) {
        Incident incident = open.get(key);
        if (incident == null) {
            open.put(key, new Incident(now, now));
            sink.line(Level.ERROR, key + " " + what);
        } else if (!now.isBefore(incident.told().plus(REMIND_EVERY))) {
            open.put(key, new Incident(incident.since(), now));
            sink.line(Level.ERROR, key + " still not ok, for " + Ages.text(Duration.between(incident.since(), now))
                    + ": " + what);
        }
    }

    private void closed(String key, Instant now, String what) {
        Incident incident = open.remove(key);
        if (incident != null) {
            sink.line(Level.WARN, key + " " + String.format(what, Ages.text(Duration.between(incident.since(), now))));
        }
    }
}
