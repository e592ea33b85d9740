package io.noxus.secretsagent.daemon;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus' text exposition format (version 0.0.4), as node_exporter's textfile collector and {@code promtool check
 * metrics} read it: one {@code # HELP} and one {@code # TYPE} line per metric family, then its samples, each family
 * once and whole. Label values are escaped ({@code \\}, {@code \"}, {@code \n}); HELP text too ({@code \\},
 * {@code \n}). A family without samples is left out. Names are the caller's constants; only label values and numbers
 * come from the daemon's state — names, paths and times, never a secret value.
 */
final class Exposition {
    /** One metric family: its samples, in the order added. */
    final class Family {
        private final String name;
        private final String type;
        private final String help;
        private final List<String> samples = new ArrayList<>();

        private Family(String name, String type, String help) {
            this.name = name;
            this.type = type;
            this.help = help;
        }

        /** Adds a sample; {@code labels} alternate name and value. */
        Family sample(double value, String... labels) {
            StringBuilder line = new StringBuilder(name);
            if (labels.length > 0) {
                line.append('{');
                for (int i = 0; i < labels.length; i += 2) {
                    line.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(escapeLabel(labels[i + 1]))
                            .append('"');
                }
                line.append('}');
            }
            samples.add(line.append(' ').append(number(value)).toString());
            return this;
        }

        Family sample(boolean value, String... labels) {
            return sample(value ? 1 : 0, labels);
        }

        /** A time as seconds since the epoch, to the millisecond. */
        Family sample(Instant at, String... labels) {
            return sample(at.toEpochMilli() / 1000.0, labels);
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    Family gauge(String name, String help) {
        return family(name, "gauge", help);
    }

    /** A counter; by the naming convention its name ends in {@code _total}. */
    Family counter(String name, String help) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        return family(name, "counter", help);
    }

    private Family family(String name, String type, String help) {
        if (families.containsKey(name)) {
            throw new IllegalArgumentException("metric family " + name + " declared twice");
        }
        Family f = new Family(name, type, help);
        families.put(name, f);
        return f;
    }

    byte[] bytes() {
        StringBuilder out = new StringBuilder();
        for (Family f : families.values()) {
            if (f.samples.isEmpty()) {
                continue;
            }
            out.append("# HELP ").append(f.name).append(' ').append(escapeHelp(f.help)).append('\n');
            out.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
            f.samples.forEach(s -> out.append(s).append('\n'));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** Whole numbers without a fraction; others in Java's shortest round-trip form (which Go's parser reads). */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
