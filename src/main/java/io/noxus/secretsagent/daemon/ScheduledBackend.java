package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.secret.Reference;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A backend asked only when its {@link PollSchedule} says so; in between, the engine gets the answers of its last
 * poll (so a cycle fetches only what is due and still renders every output). A backend that throws instead of
 * answering counts as a transient failure of every document asked for: the daemon never dies of a backend.
 * The cache is in memory only and holds what the backend itself would hold.
 */
final class ScheduledBackend implements SecretBackend {
    private final String name;
    private final SecretBackend delegate;
    private final PollSchedule schedule;
    private final Clock clock;
    private final Map<Reference, Fetched> last = new HashMap<>();
    private int polls;

    ScheduledBackend(String name, SecretBackend delegate, PollSchedule schedule, Clock clock) {
        this.name = name;
        this.delegate = delegate;
        this.schedule = schedule;
        this.clock = clock;
    }

    @Override
    public synchronized Map<Reference, Fetched> fetch(Set<Reference> documents) {
        boolean due = schedule.due(clock.instant());
        Set<Reference> ask = due ? documents : documents.stream().filter(d -> !last.containsKey(d))
                .collect(java.util.stream.Collectors.toSet());
        if (!ask.isEmpty()) {
            Map<Reference, Fetched> answers = ask(ask);
            last.keySet().retainAll(due ? documents : last.keySet());
            last.putAll(answers);
            if (due) {
                record(answers);
            }
        }
        Map<Reference, Fetched> out = new LinkedHashMap<>();
        documents.forEach(d -> out.put(d, last.get(d)));
        return out;
    }

    private Map<Reference, Fetched> ask(Set<Reference> documents) {
        polls++;
        Map<Reference, Fetched> answers = new LinkedHashMap<>();
        try {
            Map<Reference, Fetched> got = delegate.fetch(documents);
            for (Reference d : documents) {
                answers.put(d, got.getOrDefault(d, Fetched.failed(new BackendException(d, true,
                        "the backend gave no answer for this secret"))));
            }
        } catch (RuntimeException e) {
            // A bug or an unexpected client failure: report its type only (its message could quote data).
            for (Reference d : documents) {
                answers.put(d, Fetched.failed(new BackendException(d, true, "backend " + name + " failed unexpectedly ("
                        + e.getClass().getSimpleName() + "); retrying with backoff")));
            }
        }
        return answers;
    }

    private void record(Map<Reference, Fetched> answers) {
        boolean anyTransient = false;
        Optional<String> error = Optional.empty();
        Optional<Duration> retryAfter = Optional.empty();
        for (Fetched f : answers.values()) {
            if (f instanceof Fetched.Failed failed) {
                BackendException failure = failed.failure();
                anyTransient |= failure.isTransient();
                error = error.isPresent() ? error : Optional.of(failure.getMessage());
                retryAfter = longest(retryAfter, failure.retryAfter());
            }
        }
        schedule.answered(clock.instant(), anyTransient, error, retryAfter);
    }

    private static Optional<Duration> longest(Optional<Duration> a, Optional<Duration> b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(a.get().compareTo(b.get()) >= 0 ? a.get() : b.get());
    }

    /** Marks the backend due now (e.g. the first cycle after a config reload). */
    PollSchedule schedule() {
        return schedule;
    }

    synchronized int polls() {
        return polls;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
