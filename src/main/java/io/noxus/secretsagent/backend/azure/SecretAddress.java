package io.noxus.secretsagent.backend.azure;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path of an {@code azure:} reference: a Key Vault secret name ({@code 0-9a-zA-Z-}, 1 to 127 characters),
 * optionally pinned to a version: {@code database-url}, {@code database-url?version=0123abcd...}. Key Vault names
 * are case-insensitive: the name is kept as written and compared ignoring case.
 */
record SecretAddress(String name, Optional<String> version) {
    private static final Pattern FORM = Pattern.compile("([0-9A-Za-z-]{1,127})(?:\\?version=([0-9A-Za-z]{1,64}))?");

    /** The address, or empty when the path is not one (the caller names the reference in its error). */
    static Optional<SecretAddress> parse(String path) {
        Matcher m = FORM.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SecretAddress(m.group(1), Optional.ofNullable(m.group(2))));
    }

    static final String FORM_HELP = "an Azure reference is azure:NAME, azure:NAME#json-key or azure:NAME?version=ID, "
            + "NAME being 1 to 127 letters, digits and '-'";

    /** The key the agent caches it under (Key Vault names ignore case). */
    String key() {
        return name.toLowerCase(java.util.Locale.ROOT) + version.map(v -> "/" + v).orElse("");
    }
}
