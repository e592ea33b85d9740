package io.noxus.secretsagent.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts variables in the order of their first assignment in the file text, for readers whose own
 * output order is not the file's (bash prints its hash table; systemd lists its own variables
 * first; compose-go returns a Go map). Only the order is affected, never the content.
 */
final class FileOrder {

    private FileOrder() {}

    static Map<String, String> sort(Map<String, String> vars, byte[] file) {
        String text = new String(file, StandardCharsets.UTF_8);
        Map<String, String> sorted = new LinkedHashMap<>();
        vars.keySet().stream()
                .sorted(Comparator.comparingInt((String key) -> firstAssignment(text, key)))
                .forEach(key -> sorted.put(key, vars.get(key)));
        return sorted;
    }

    /** Offset of the first line assigning {@code key} ({@code [export ]KEY=} or {@code KEY:}); else MAX. */
    private static int firstAssignment(String text, String key) {
        String assignment = "(?m)^[ \\t]*(?:export[ \\t]+)?" + Pattern.quote(key) + "[ \\t]*[=:]";
        Matcher m = Pattern.compile(assignment).matcher(text);
        return m.find() ? m.start() : Integer.MAX_VALUE;
    }
}
