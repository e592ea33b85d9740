package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.config.Mapping;
import io.noxus.secretsagent.config.Precedence;
import io.noxus.secretsagent.config.Scope;
import io.noxus.secretsagent.secret.SecretValue;
import java.util.Optional;

/** One variable a mapping produced: its value and its document's version, or why it has none this time. */
record Binding(String variable, Mapping mapping, Optional<SecretValue> value, Optional<String> version,
               Optional<String> error)
        implements Precedence.Candidate {
    @Override
    public Scope scope() {
        return mapping.scope();
    }

    @Override
    public String location() {
        return mapping.location();
    }
}
