package io.noxus.secretsagent.action;

import io.noxus.secretsagent.config.ServiceSpec;

/**
 * How a change of a service's secrets is applied to its units (restart, reload, a signal, a command). Implemented
 * with the daemon; until then {@code render} reports the due actions without running them.
 */
public interface Action {
    /** Applies the service's declared action once; the result says what was done, never a secret value. */
    Result apply(ServiceSpec service);

    /** What happened: {@code ok} and a one-line description naming the units. */
    record Result(boolean ok, String detail) {
    }
}
