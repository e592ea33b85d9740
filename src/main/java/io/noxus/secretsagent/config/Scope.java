package io.noxus.secretsagent.config;

import java.util.Optional;

/**
 * Who may see a mapping. The level orders precedence when one variable is mapped in several scopes:
 * {@code service:} beats {@code pool:} beats {@code workers} beats {@code global}.
 */
public record Scope(Level level, Optional<String> name) {
    public enum Level { GLOBAL, WORKERS, POOL, SERVICE }

    public static final Scope GLOBAL = new Scope(Level.GLOBAL, Optional.empty());

    /** Parses {@code global}, {@code workers}, {@code pool:NAME} or {@code service:NAME}; null when not a scope. */
    static Scope parse(String text) {
        if (text.equals("global")) {
            return GLOBAL;
        }
        if (text.equals("workers")) {
            return new Scope(Level.WORKERS, Optional.empty());
        }
        int colon = text.indexOf(':');
        if (colon > 0 && colon < text.length() - 1) {
            String kind = text.substring(0, colon);
            String name = text.substring(colon + 1);
            if (kind.equals("pool")) {
                return new Scope(Level.POOL, Optional.of(name));
            }
            if (kind.equals("service")) {
                return new Scope(Level.SERVICE, Optional.of(name));
            }
        }
        return null;
    }

    /** Whether a service of this role, pool and name may see mappings of this scope. */
    public boolean reaches(ServiceSpec service) {
        return switch (level) {
            case GLOBAL -> true;
            case WORKERS -> service.role() == Role.WORKER;
            case POOL -> service.role() == Role.WORKER && service.pool().equals(name);
            case SERVICE -> service.name().equals(name.orElseThrow());
        };
    }

    @Override
    public String toString() {
        return switch (level) {
            case GLOBAL -> "global";
            case WORKERS -> "workers";
            case POOL -> "pool:" + name.orElseThrow();
            case SERVICE -> "service:" + name.orElseThrow();
        };
    }
}
