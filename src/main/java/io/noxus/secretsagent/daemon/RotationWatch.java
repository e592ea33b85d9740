package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.engine.RotationReport;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notes each change of a reference's rotation state once, in the journal and the audit: when it becomes due,
 * overdue, expiring or expired, and when a rotated value brings it back to ok. The ages come from the render's own
 * answers, so watching costs no request. A reference that failed this cycle keeps its last state (the failure is
 * reported by the render); an unknown age is never announced. Outlives config reloads, so a reload repeats nothing.
 */
final class RotationWatch {
    private static final Logger LOG = LoggerFactory.getLogger(RotationWatch.class);
    private final Audit audit;
    private final Map<String, RotationReport.State> last = new HashMap<>();

    RotationWatch(Audit audit) {
        this.audit = audit;
    }

    void observe(RotationReport report) {
        for (RotationReport.Row row : report.rows()) {
            if (row.state() == RotationReport.State.FAILED) {
                continue;
            }
            RotationReport.State before = last.put(row.reference(), row.state());
            boolean quiet = row.state() == RotationReport.State.OK || row.state() == RotationReport.State.UNKNOWN;
            if (before == row.state() || (before == null && quiet)) {
                continue;
            }
            String feeds = String.join(", ", row.variables()) + " (" + String.join(", ", row.services()) + ")";
            if (quiet) {
                LOG.info("rotation: {} is {} now (was {}); it feeds {}", row.reference(), row.status(),
                        label(before), feeds);
            } else {
                LOG.warn("rotation: {} is {} (policy {} d, set {}); it feeds {}", row.reference(), row.status(),
                        row.policy().maxAgeDays(), row.setAt().map(Object::toString).orElse("unknown"), feeds);
            }
            audit.rotation(row, before == null ? null : label(before), report.now());
        }
    }

    private static String label(RotationReport.State state) {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }
}
