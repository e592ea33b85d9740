package io.noxus.secretsagent.config;

import io.noxus.secretsagent.secret.Reference;
import java.util.Locale;
import java.util.Optional;

/**
 * One env var from one reference ({@code env} set), or a bulk mapping of every field of a secret ({@code env} empty)
 * with a prefix and a name transform. The location ({@code file: mappings[3]}) is what errors quote.
 * {@code allowProcessControl}: the operator explicitly allowed an {@code env} name from {@link ProcessControlNames}
 * (never set on bulk mappings). {@code rotation} is the policy in force for its reference (its own or the default).
 */
public record Mapping(String location, Scope scope, Optional<String> env, Reference ref, String prefix,
                      NameTransform transform, boolean allowProcessControl, RotationPolicy rotation)
        implements Precedence.Candidate {
    public enum NameTransform {
        NONE, UPPER;

        public String apply(String field) {
            return this == UPPER ? field.toUpperCase(Locale.ROOT) : field;
        }
    }

    /** The matrix's name for it: the variable, or {@code PREFIX* (bulk[, upper])}. */
    public String label() {
        return env.orElse(prefix + "* (bulk" + (transform == NameTransform.UPPER ? ", upper" : "") + ")");
    }

    public boolean bulk() {
        return env.isEmpty();
    }
}
