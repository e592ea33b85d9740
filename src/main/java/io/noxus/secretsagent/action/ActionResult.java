package io.noxus.secretsagent.action;

import java.util.List;

/** What acting on one service did: names, units, the outcome and a short reason; never a value. */
public record ActionResult(String service, String action, List<String> units, Outcome outcome, String detail) {
    public enum Outcome {
        /** Done (and, after a restart, the units are active). */
        OK,
        /** Nothing to do (action none). */
        SKIPPED,
        /** The action failed or a restarted unit did not become healthy; the new file stays. */
        FAILED,
        /** A restarted unit did not become healthy; the previous file was restored and the unit is back up. */
        ROLLED_BACK,
        /** A restarted unit did not become healthy, and restoring the previous file did not bring it back either. */
        ROLLBACK_FAILED;

        public boolean failed() {
            return this != OK && this != SKIPPED;
        }
    }

    public ActionResult {
        units = List.copyOf(units);
    }
}
