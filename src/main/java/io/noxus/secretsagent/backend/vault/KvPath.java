package io.noxus.secretsagent.backend.vault;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path part of a {@code vault:} reference: {@code <mount>/<path>} with an optional KV v2 version pin
 * {@code ?version=N}, e.g. {@code vault:secret/noxus/platform?version=3#database_url}.
 */
public record KvPath(String path, OptionalInt version) {
    private static final Pattern FORM = Pattern.compile("([^?]+?)/*(?:\\?version=([1-9][0-9]{0,8}))?");

    /** Empty when the text is not of that form. */
    public static Optional<KvPath> parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches() || m.group(1).startsWith("/") || m.group(1).contains("//")) {
            return Optional.empty();
        }
        return Optional.of(new KvPath(m.group(1), m.group(2) == null ? OptionalInt.empty()
                : OptionalInt.of(Integer.parseInt(m.group(2)))));
    }
}
