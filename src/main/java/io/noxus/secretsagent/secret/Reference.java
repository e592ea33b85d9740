package io.noxus.secretsagent.secret;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one value lives: {@code backend:path} or {@code backend:path#field}. The backend part names a configured
 * backend; the path is the backend's own name for a secret (a Vault path, an AWS secret id, a key of the local file).
 */
public record Reference(String backend, String path, Optional<String> field) {
    private static final Pattern FORM = Pattern.compile("([a-z][a-z0-9_-]*):([^#\\s]+)(?:#([^#\\s]+))?");

    /** The parts as {@link #FORM} would split them, checked without the regex (once per mapping at start-up). */
    public Reference {
        if (!backendName(String.valueOf(backend)) || !pathPart(String.valueOf(path))
                || field.isPresent() && !pathPart(field.get())) {
            throw new IllegalArgumentException("not a reference: " + backend + ":" + path);
        }
    }

    /** {@code [a-z][a-z0-9_-]*} */
    private static boolean backendName(String text) {
        if (text.isEmpty() || text.charAt(0) < 'a' || text.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** {@code [^#\s]+}: no {@code #} and none of the regex's white space (space, \t, \n, \u000B, \f, \r). */
    private static boolean pathPart(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '#' || c == ' ' || c >= '\t' && c <= '\r') {
                return false;
            }
        }
        return true;
    }

    /** Parses {@code backend:path[#field]}; the error message quotes the text, which is a name, never a value. */
    public static Reference parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a reference of the form backend:path or backend:path#field");
        }
        return new Reference(m.group(1), m.group(2), Optional.ofNullable(m.group(3)));
    }

    /** The same secret without a field: what a backend is asked for. */
    public Reference document() {
        return new Reference(backend, path, Optional.empty());
    }

    @Override
    public String toString() {
        return backend + ":" + path + field.map(f -> "#" + f).orElse("");
    }
}
