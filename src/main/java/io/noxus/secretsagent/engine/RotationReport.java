package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.config.RotationPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How old each reference's current value is against its rotation policy, at {@code now}: one row per reference,
 * with the variables and secret files it feeds and the services they reach. Names and times only, never a value.
 */
public record RotationReport(Instant now, List<Row> rows) {
    public RotationReport {
        rows = List.copyOf(rows);
    }

    /** The backend's own rotation of the secret (AWS: RotationEnabled, LastRotatedDate, NextRotationDate). */
    public record Schedule(boolean enabled, Optional<Instant> lastRotated, Optional<Instant> nextRotation) {
    }

    /** Worst first: an expired or overdue value fails a check; due and expiring are warnings. */
    public enum State {
        OK, UNKNOWN, DUE, EXPIRING, OVERDUE, EXPIRED, FAILED;

        public boolean fails() {
            return this == OVERDUE || this == EXPIRED || this == FAILED;
        }
    }

    /**
     * @param setAt     when the backend says the current value was set; empty when it does not say (KV v1, file)
     * @param expiresAt an expiry the backend enforces on the value, when it has one
     * @param status    {@code ok}, {@code due in 9 d}, {@code overdue by 12 d}, {@code expires in 3 d},
     *                  {@code expired 1 d ago}, {@code unknown}, or {@code failed: <the backend error>}
     * @param schedule  the backend's own rotation schedule, when a report asked for it and the backend has one
     */
    public record Row(String reference, List<String> variables, List<String> services, RotationPolicy policy,
                      Optional<Instant> setAt, Optional<Instant> expiresAt, State state, String status,
                      Optional<Schedule> schedule) {
        public Row {
            variables = List.copyOf(variables);
            services = List.copyOf(services);
        }

        Row with(Optional<Schedule> schedule) {
            return new Row(reference, variables, services, policy, setAt, expiresAt, state, status, schedule);
        }

        /** Whole days since the value was set (at {@code now}), when known. */
        public Optional<Long> ageDays(Instant now) {
            return setAt.map(t -> Duration.between(t, now).toDays());
        }

        /** When the value is due for rotation under its policy, when known. */
        public Optional<Instant> dueAt() {
            return setAt.map(t -> t.plus(policy.maxAge()));
        }
    }

    /** Something is overdue, expired, or could not be read. */
    public boolean failed() {
        return rows.stream().anyMatch(r -> r.state().fails());
    }

    /** The state and status text of one value under one policy at {@code now}: the worst of age and expiry. */
    public static Row judge(String reference, List<String> variables, List<String> services, RotationPolicy policy,
                            Optional<Instant> setAt, Optional<Instant> expiresAt, Instant now) {
        State state = State.UNKNOWN;
        String status = "unknown";
        if (setAt.isPresent()) {
            Instant due = setAt.get().plus(policy.maxAge());
            if (!now.isBefore(due)) {
                state = State.OVERDUE;
                status = "overdue by " + Duration.between(due, now).toDays() + " d";
            } else if (!now.isBefore(due.minus(policy.warn()))) {
                state = State.DUE;
                status = "due in " + ceilDays(Duration.between(now, due)) + " d";
            } else {
                state = State.OK;
                status = "ok";
            }
        }
        if (expiresAt.isPresent()) {
            Instant exp = expiresAt.get();
            if (!now.isBefore(exp)) {
                return new Row(reference, variables, services, policy, setAt, expiresAt, State.EXPIRED,
                        "expired " + Duration.between(exp, now).toDays() + " d ago", Optional.empty());
            }
            if (!now.isBefore(exp.minus(policy.warn())) && state.compareTo(State.EXPIRING) < 0) {
                state = State.EXPIRING;
                status = "expires in " + ceilDays(Duration.between(now, exp)) + " d";
            } else if (state == State.UNKNOWN) {
                state = State.OK;
                status = "ok";
            }
        }
        return new Row(reference, variables, services, policy, setAt, expiresAt, state, status, Optional.empty());
    }

    /** A reference whose document could not be read: no age can be told. */
    public static Row failed(String reference, List<String> variables, List<String> services, RotationPolicy policy,
                             String error) {
        return new Row(reference, variables, services, policy, Optional.empty(), Optional.empty(), State.FAILED,
                "failed: " + error, Optional.empty());
    }

    private static long ceilDays(Duration d) {
        long seconds = d.toSeconds();
        return (seconds + 86_399) / 86_400;
    }
}
