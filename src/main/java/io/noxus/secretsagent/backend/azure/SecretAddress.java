package io.noxus.secretsagent.backend.azure;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path of an {@code azure:} reference: a Key Vault secret name ({@code 0-9a-zA-Z-}, 1 to 127 characters),
 * optionally pinned to a version: {@code database-url}, {@code database-url?version=0123abcd...}; or, for a bulk
 * mapping, a name prefix ending in {@code *}: {@code workers-*} (every enabled secret whose name starts with it).
 * Key Vault names are case-insensitive: the name is kept as written and compared ignoring case.
 */
record SecretAddress(String name, Optional<String> version, boolean prefix) {
    private static final Pattern FORM = Pattern.compile("([0-9A-Za-z-]{1,127})(?:\\?version=([0-9A-Za-z]{1,64}))?");
    private static final Pattern PREFIX = Pattern.compile("([0-9A-Za-z-]{0,126})\\*");

    /** The address, or empty when the path is not one (the caller names the reference in its error). */
    static Optional<SecretAddress> parse(String path) {
        Matcher bulk = PREFIX.matcher(path);
        if (bulk.matches()) {
            return Optional.of(new SecretAddress(bulk.group(1), Optional.empty(), true));
        }
        Matcher m = FORM.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SecretAddress(m.group(1), Optional.ofNullable(m.group(2)), false));
    }

    static final String FORM_HELP = "an Azure reference is azure:NAME, azure:NAME#json-key, azure:NAME?version=ID or "
            + "(bulk) azure:PREFIX*, NAME being 1 to 127 letters, digits and '-'";

    /**
     * The variable-name part a secret gives in a bulk mapping: the name after the prefix, in lower case, each
     * {@code -} a {@code _} ({@code workers-etl-db} under {@code workers-*} gives {@code etl_db}; the mapping's
     * {@code prefix} and {@code transform} then apply). Key Vault names ignore case, so no two secrets give the same
     * field. The reverse, to name a secret after a variable: lower case, each {@code _} a {@code -}
     * ({@code DATABASE_URL} is {@code database-url}).
     */
    static String field(String prefix, String secretName) {
        return secretName.substring(prefix.length()).toLowerCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /** The key the agent caches it under (Key Vault names ignore case). */
    String key() {
        return name.toLowerCase(java.util.Locale.ROOT) + version.map(v -> "/" + v).orElse("");
    }
}
