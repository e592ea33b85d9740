package io.noxus.secretsagent.config;

import java.time.Duration;

/**
 * How old a secret's current value may grow: due {@code maxAgeDays} after the backend set it, warned
 * {@code warnDays} before that (and before an expiry the backend announces). The config's {@code rotation:} is the
 * default; a mapping's or secret file's own {@code rotation:} overrides either key.
 */
public record RotationPolicy(int maxAgeDays, int warnDays) {
    public static final RotationPolicy DEFAULT = new RotationPolicy(90, 14);
    static final String MAX_AGE = "max_age_days";
    static final String WARN = "warn_days";

    public Duration maxAge() {
        return Duration.ofDays(maxAgeDays);
    }

    public Duration warn() {
        return Duration.ofDays(warnDays);
    }

    @Override
    public String toString() {
        return maxAgeDays + " d, warn " + warnDays + " d";
    }

    /** Reads a {@code rotation:} node; keys it leaves out come from {@code base}. */
    static RotationPolicy read(ConfigNode node, RotationPolicy base) {
        node.onlyKeys(MAX_AGE, WARN);
        int maxAge = node.optional(MAX_AGE).map(ConfigNode::positiveInt).orElse(base.maxAgeDays());
        int warn = node.optional(WARN).map(ConfigNode::nonNegativeInt).orElse(base.warnDays());
        if (warn >= maxAge) {
            throw (node.has(WARN) ? node.child(WARN) : node.child(MAX_AGE)).error(WARN + " (" + warn
                    + ") must be less than " + MAX_AGE + " (" + maxAge + "), or the secret is due on the day it is "
                    + "set; lower " + WARN + (node.has(WARN) ? "" : " here (the default is " + base.warnDays() + ")"));
        }
        return new RotationPolicy(maxAge, warn);
    }
}
