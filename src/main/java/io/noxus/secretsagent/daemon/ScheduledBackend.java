package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.secret.Reference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * A backend asked only when its {@link PollSchedule} says so, and never on the daemon loop's thread: a due poll runs
 * on the {@code polls} executor (its own thread on a real host) while the engine gets the answers of the last poll,
 * so one backend that stalls (up to its request deadline, per call) delays neither the other backends' outputs, nor
 * the watchdog, nor a stop. When a poll ends, {@code answered} wakes the loop, which renders again. A document never
 * answered yet is a transient failure ("has not answered yet"): its outputs keep their content until it answers.
 * A backend that throws instead of answering counts as a transient failure of every document asked for: the daemon
 * never dies of a backend. The cache is in memory only and holds what the backend itself would hold. A poll's start
 * is what its schedule counts the next interval from, so a long fetch does not stretch the period; a document the
 * server throttled keeps its previous answer (see {@link #keep}).
 */
final class ScheduledBackend implements SecretBackend {
    private final String name;
    private final SecretBackend delegate;
    private final PollSchedule schedule;
    private final Clock clock;
    private final Executor polls;
    private final Runnable answered;
    private final Map<Reference, Fetched> last = new HashMap<>();
    private boolean polling;
    private boolean fresh;
    private int asked;

    ScheduledBackend(String name, SecretBackend delegate, PollSchedule schedule, Clock clock, Executor polls,
                     Runnable answered) {
        this.name = name;
        this.delegate = delegate;
        this.schedule = schedule;
        this.clock = clock;
        this.polls = polls;
        this.answered = answered;
    }

    @Override
    public synchronized Map<Reference, Fetched> fetch(Set<Reference> documents) {
        boolean due = schedule.due(clock.instant());
        Set<Reference> unknown = documents.stream().filter(d -> !last.containsKey(d)).collect(Collectors.toSet());
        if (!polling && (due || !unknown.isEmpty())) {
            if (due) {
                last.keySet().retainAll(documents);
            }
            Set<Reference> ask = Set.copyOf(due ? documents : unknown);
            polling = true;
            Instant started = clock.instant();
            polls.execute(() -> poll(ask, due, started));
        }
        fresh = false;
        Map<Reference, Fetched> out = new LinkedHashMap<>();
        documents.forEach(d -> out.put(d, last.getOrDefault(d, Fetched.failed(new BackendException(d, true,
                "backend " + name + " has not answered yet (asked at " + clock.instant() + "); the output is written "
                        + "once it answers")))));
        return out;
    }

    /** One poll, off the loop's thread: the backend is asked without holding this object's lock. */
    private void poll(Set<Reference> ask, boolean due, Instant started) {
        Map<Reference, Fetched> answers = ask(ask);
        synchronized (this) {
            if (due) {
                record(answers, started);
            }
            answers.forEach(this::keep);
            polling = false;
            fresh = true;
        }
        answered.run();
    }

    /** The loop should render: answers arrived since its last render, or a poll is due and none is running. */
    synchronized boolean wantsCycle(Instant now) {
        return fresh || (!polling && schedule.due(now));
    }

    /** When the loop should look at this backend again; empty while a poll runs (its end wakes the loop). */
    synchronized Optional<Instant> nextPoll() {
        return polling ? Optional.empty() : Optional.of(schedule.next());
    }

    private Map<Reference, Fetched> ask(Set<Reference> documents) {
        synchronized (this) {
            asked++;
        }
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

    /**
     * Keeps an answer for the next renders; a document the server throttled (or that was not asked because it
     * throttled) keeps its previous answer: a throttled poll is a postponed one, not news about the secret.
     */
    private void keep(Reference document, Fetched answer) {
        Fetched before = last.get(document);
        if (answer.throttled() && before instanceof Fetched.Found) {
            return;
        }
        last.put(document, answer);
    }

    private void record(Map<Reference, Fetched> answers, Instant started) {
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
        schedule.answered(started, clock.instant(), anyTransient, error, retryAfter);
    }

    private static Optional<Duration> longest(Optional<Duration> a, Optional<Duration> b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(a.get().compareTo(b.get()) >= 0 ? a.get() : b.get());
    }

    /** Marks the backend due now (e.g. the first cycle after a config reload). */
    PollSchedule schedule() {
        return schedule;
    }

    @Override
    public long requests() {
        return delegate.requests();
    }

    @Override
    public long throttles() {
        return delegate.throttles();
    }

    /** The last answer per document (the metrics read when the backend says each secret last changed). */
    synchronized Map<Reference, Fetched> answers() {
        return Map.copyOf(last);
    }

    synchronized int polls() {
        return asked;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
