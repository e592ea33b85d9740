package io.noxus.secretsagent.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one definition of a variable name every env-file reader agrees on: {@code [A-Za-z_][A-Za-z0-9_]*}. systemd
 * silently ignores other names and the shells fail on them (docs/env-readers.md). The config readers, the bulk
 * expansion and the formats all check names here.
 */
public final class EnvName {
    /** The pattern as text, for error messages. */
    public static final String PATTERN = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Pattern NAME = Pattern.compile(PATTERN);

    private EnvName() {
    }

    public static boolean valid(String name) {
        return NAME.matcher(name).matches();
    }

    /** A bulk prefix: empty, or itself a valid name (so prefix + any field that starts validly stays valid). */
    public static boolean validPrefix(String prefix) {
        return prefix.isEmpty() || valid(prefix);
    }

    /**
     * Why a name the backend chose (a bulk field, after prefix and transform) cannot be used, as the end of a
     * sentence about it ("..., which ..."); empty when it can. Process-control names are always refused here.
     */
    public static Optional<String> refusedFromBackend(String name) {
        if (!valid(name)) {
            return Optional.of("which is not valid (" + PATTERN + "); map it explicitly");
        }
        return ProcessControlNames.reason(name).map(reason -> "which changes how programs load or run: " + reason
                + ". A bulk mapping never sets such a name; map it with env: and allow_process_control: true if "
                + "it is meant");
    }
}
