package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.RotationSchedule;
import io.noxus.secretsagent.backend.SecretDocument;
import java.util.Optional;
import io.noxus.secretsagent.config.Mapping;
import io.noxus.secretsagent.config.RotationPolicy;
import io.noxus.secretsagent.config.SecretFileSpec;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.secret.Reference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link RotationReport} from documents already fetched (a render's or a check's): it never asks a backend
 * anything itself. A reference fed by several mappings is held to the strictest of their policies.
 */
final class Rotation {
    private Rotation() {
    }

    static RotationReport report(List<Mapping> mappings, List<SecretFileSpec> files, List<ServiceSpec> services,
                                 SecretResolver resolver, Instant now) {
        return report(mappings, files, services, resolver, Map.of(), now);
    }

    /** The same, with the backends' own rotation schedules (per document) where a report asked for them. */
    static RotationReport report(List<Mapping> mappings, List<SecretFileSpec> files, List<ServiceSpec> services,
                                 SecretResolver resolver, Map<Reference, RotationSchedule> schedules, Instant now) {
        Map<Reference, Feeds> byRef = new LinkedHashMap<>();
        for (Mapping m : mappings) {
            Feeds feeds = byRef.computeIfAbsent(m.ref(), r -> new Feeds());
            feeds.variables.add(m.env().orElse(m.prefix() + "*"));
            services.stream().filter(s -> m.scope().reaches(s)).forEach(s -> feeds.services.add(s.name()));
            feeds.policies.add(m.rotation());
        }
        for (SecretFileSpec f : files) {
            Feeds feeds = byRef.computeIfAbsent(f.ref(), r -> new Feeds());
            feeds.variables.add(f.name());
            services.stream().filter(s -> f.scope().reaches(s)).forEach(s -> feeds.services.add(s.name()));
            feeds.policies.add(f.rotation());
        }
        List<RotationReport.Row> rows = new ArrayList<>();
        byRef.forEach((ref, feeds) -> {
            RotationPolicy policy = feeds.policies.stream().min(Comparator.comparingInt(RotationPolicy::maxAgeDays)
                    .thenComparing(RotationPolicy::warnDays, Comparator.reverseOrder())).orElseThrow();
            List<String> variables = List.copyOf(feeds.variables);
            List<String> reached = List.copyOf(feeds.services);
            try {
                SecretDocument doc = resolver.document(ref);
                if (ref.field().isPresent()) {
                    doc.value(ref); // a missing field is a failure, not an age
                }
                rows.add(RotationReport.judge(ref.toString(), variables, reached, policy, doc.setAt(),
                        doc.expiresAt(), now).with(Optional.ofNullable(schedules.get(ref.document()))
                        .map(s -> new RotationReport.Schedule(s.enabled(), s.lastRotated(), s.nextRotation()))));
            } catch (BackendException e) {
                if (e.expiry().isPresent()) { // past its own expiry (Azure exp): an expired row, not a failure
                    rows.add(RotationReport.judge(ref.toString(), variables, reached, policy, e.expiry().get().setAt(),
                            Optional.of(e.expiry().get().expiresAt()), now));
                    return;
                }
                rows.add(RotationReport.failed(ref.toString(), variables, reached, policy, e.getMessage()));
            }
        });
        return new RotationReport(now, rows);
    }

    private static final class Feeds {
        final Set<String> variables = new LinkedHashSet<>();
        final Set<String> services = new LinkedHashSet<>();
        final List<RotationPolicy> policies = new ArrayList<>();
    }
}
