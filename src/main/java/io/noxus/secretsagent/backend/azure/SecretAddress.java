package io.noxus.secretsagent.backend.azure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path of an {@code azure:} reference: a Key Vault secret name ({@code 0-9a-zA-Z-}, 1 to 127 characters),
 * optionally pinned to a version: {@code database-url}, {@code database-url?version=0123abcd...}; or, for a bulk
 * mapping, a name prefix ending in {@code *}, optionally narrowed by tags: {@code workers-*} (every enabled secret
 * whose name starts with it), {@code *?tag=pool=finance} (every enabled secret tagged {@code pool} = {@code finance}),
 * {@code workers-*?tag=env=prod&tag=team=etl} (both). Key Vault names are case-insensitive: the name is kept as
 * written and compared ignoring case; tag names and values are compared exactly, as written (percent-encoded where
 * they hold a space, {@code #}, {@code &}, {@code =} or {@code %}).
 */
public record SecretAddress(String name, Optional<String> version, boolean prefix, Map<String, String> tags) {
    private static final Pattern FORM = Pattern.compile("([0-9A-Za-z-]{1,127})(?:\\?version=([0-9A-Za-z]{1,64}))?");
    private static final String TAG_PART = "(?:[^\\s#&=%]|%[0-9A-Fa-f]{2})";
    private static final Pattern TAG = Pattern.compile("tag=(" + TAG_PART + "+)=(" + TAG_PART + "*)");
    private static final Pattern PREFIX = Pattern.compile("([0-9A-Za-z-]{0,126})\\*(?:\\?(.+))?");

    public SecretAddress {
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags)); // sorted: messages name them in one order
    }

    SecretAddress(String name, Optional<String> version, boolean prefix) {
        this(name, version, prefix, Map.of());
    }

    /** The address, or empty when the path is not one (the caller names the reference in its error). */
    public static Optional<SecretAddress> parse(String path) {
        Matcher bulk = PREFIX.matcher(path);
        if (bulk.matches()) {
            return bulk.group(2) == null ? Optional.of(new SecretAddress(bulk.group(1), Optional.empty(), true))
                    : tags(bulk.group(2)).map(tags -> new SecretAddress(bulk.group(1), Optional.empty(), true, tags));
        }
        Matcher m = FORM.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SecretAddress(m.group(1), Optional.ofNullable(m.group(2)), false));
    }

    /** {@code tag=K=V[&tag=K2=V2...]}, each name once; empty when the query is not that. */
    private static Optional<Map<String, String>> tags(String query) {
        Map<String, String> tags = new TreeMap<>();
        for (String part : query.split("&", -1)) {
            Matcher m = TAG.matcher(part);
            if (!m.matches() || tags.put(decode(m.group(1)), decode(m.group(2))) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(tags);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public static final String FORM_HELP = "an Azure reference is azure:NAME, azure:NAME#json-key, azure:NAME?version=ID or "
            + "(bulk) azure:PREFIX* or azure:PREFIX*?tag=NAME=VALUE[&tag=...], NAME being 1 to 127 letters, digits "
            + "and '-'";

    /** Whether a listed secret is one of this bulk address's: its name starts with the prefix, it has every tag. */
    boolean selects(String secretName, Map<String, String> secretTags) {
        return secretName.length() > name.length()
                && secretName.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT))
                && tags.entrySet().stream().allMatch(t -> t.getValue().equals(secretTags.get(t.getKey())));
    }

    /** What a bulk address selects, for messages: {@code whose name starts with 'w-' and tagged env=prod}. */
    String selection() {
        String named = name.isEmpty() ? "" : "whose name starts with '" + name + "'";
        String tagged = tags.isEmpty() ? "" : "tagged " + String.join(" and ", tags.entrySet().stream()
                .map(t -> t.getKey() + "=" + t.getValue()).toList());
        return named.isEmpty() || tagged.isEmpty() ? named + tagged : named + " and " + tagged;
    }

    /**
     * The variable-name part a secret gives in a bulk mapping: the name after the prefix, in lower case, each
     * {@code -} a {@code _} ({@code workers-etl-db} under {@code workers-*} gives {@code etl_db}; under {@code *}
     * (tags only), {@code database-url} gives {@code database_url}; the mapping's {@code prefix} and
     * {@code transform} then apply). Key Vault names ignore case and hold no {@code _}, so no two secrets give the
     * same field. The reverse, to name a secret after a variable: lower case, each {@code _} a {@code -}
     * ({@code DATABASE_URL} is {@code database-url}).
     */
    static String field(String prefix, String secretName) {
        return secretName.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * The Key Vault secret a bulk field came from: the prefix + the field with each {@code _} a {@code -}, the
     * reverse of {@link #field} (exact up to case, which Key Vault ignores: its names hold no {@code _}).
     */
    public String secretOfField(String field) {
        return name + field.replace('_', '-');
    }

    /** The key the agent caches it under (Key Vault names ignore case). */
    String key() {
        return name.toLowerCase(Locale.ROOT) + version.map(v -> "/" + v).orElse("");
    }
}
