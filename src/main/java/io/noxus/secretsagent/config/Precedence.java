package io.noxus.secretsagent.config;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks, among the candidates that map one variable for one service, the one that wins:
 * {@code service:} > {@code pool:} > {@code workers} > {@code global}. Two candidates at the winning level are a
 * configuration error naming both locations. Used at load time for named mappings and at render time for the
 * variables that bulk mappings expand into.
 */
public final class Precedence {
    private Precedence() {
    }

    /** Something mapped to a variable: its scope and where it was configured. */
    public interface Candidate {
        Scope scope();

        String location();
    }

    public static <C extends Candidate> Optional<C> choose(String variable, ServiceSpec service, List<C> candidates) {
        List<C> reaching = candidates.stream().filter(c -> c.scope().reaches(service)).toList();
        Optional<Scope.Level> top = reaching.stream().map(c -> c.scope().level()).max(Comparator.naturalOrder());
        if (top.isEmpty()) {
            return Optional.empty();
        }
        List<C> winners = reaching.stream().filter(c -> c.scope().level() == top.get()).toList();
        if (winners.size() > 1) {
            throw new ConfigException("variable " + variable + " is mapped twice at the same level for service "
                    + service.name() + ": " + winners.get(0).location() + " (" + winners.get(0).scope() + ") and "
                    + winners.get(1).location() + " (" + winners.get(1).scope()
                    + "); remove one, or give one a narrower scope");
        }
        return Optional.of(winners.get(0));
    }
}
