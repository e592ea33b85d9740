package io.noxus.secretsagent.secret;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one value lives: {@code backend:path} or {@code backend:path#field}. The backend part names a configured
 * backend; the path is the backend's own name for a secret (a Vault path, an AWS secret id, a key of the local file).
 */
public record Reference(String backend, String path, Optional<String> field) {
    private static final String BACKEND = "[a-z][a-z0-9_-]*";
    private static final String PART = "[^#\\s]+";
    private static final Pattern FORM = Pattern.compile("(" + BACKEND + "):(" + PART + ")(?:#(" + PART + "))?");
    private static final Pattern BACKEND_NAME = Pattern.compile(BACKEND);
    private static final Pattern PATH_PART = Pattern.compile(PART);

    /** The parts as {@link #FORM} splits them, each matched alone (no text built, once per mapping at start-up). */
    public Reference {
        if (!BACKEND_NAME.matcher(String.valueOf(backend)).matches()
                || !PATH_PART.matcher(String.valueOf(path)).matches() || field.isPresent() && !PATH_PART.matcher(field.get()).matches()) {
            throw new IllegalArgumentException("not a reference: " + backend + ":" + path);
        }
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

    /* equals and hashCode written out: a record's generated ones bootstrap java.lang.runtime.ObjectMethods on first
       use, which spins some twenty method-handle classes at each start (a Reference is the first record every render
       puts in a hash map; docs/benchmarks.md, "Levers of goal 2, third round"). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Reference r && backend.equals(r.backend) && path.equals(r.path) && field.equals(r.field);
    }

    @Override
    public int hashCode() {
        return (backend.hashCode() * 31 + path.hashCode()) * 31 + field.hashCode();
    }

    @Override
    public String toString() {
        return backend + ":" + path + field.map(f -> "#" + f).orElse("");
    }
}
