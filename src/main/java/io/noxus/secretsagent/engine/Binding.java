package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.config.Mapping;
import io.noxus.secretsagent.config.Precedence;
import io.noxus.secretsagent.config.Scope;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;
import java.util.Optional;

/** One variable a mapping produced: bound to a value (and its document's version), or unbound, with why. */
sealed interface Binding extends Precedence.Candidate {
    String variable();

    Mapping mapping();

    @Override
    default Scope scope() {
        return mapping().scope();
    }

    @Override
    default String location() {
        return mapping().location();
    }

    /**
     * The value this time; {@code source} is the exact reference it came from (a bulk mapping's secret with the
     * field); {@code version} is empty where the backend has none.
     */
    record Bound(String variable, Mapping mapping, Reference source, SecretValue value, Optional<String> version)
            implements Binding {
    }

    /** No value this time: the reference failed ({@code error} names it, never a value). */
    record Unbound(String variable, Mapping mapping, String error) implements Binding {
    }
}
