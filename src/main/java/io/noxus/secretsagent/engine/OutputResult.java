package io.noxus.secretsagent.engine;

import java.util.List;
import java.util.Map;

/**
 * What happened (or, in a dry run, would happen) to one output. {@code name} is the service for env files and
 * {@code file:<name>} for secret files; {@code services} are the services a change of this output concerns;
 * {@code references} the secrets it was rendered from, each with the backend's version ({@code ""} where the
 * backend has none). Names, paths and versions only, never values.
 */
public record OutputResult(String name, String kind, String path, String format, Status status, VariableDiff diff,
                           List<String> services, Map<String, String> references, List<String> errors) {
    public enum Status {
        /** The file did not exist and is (or would be) written. */
        CREATED,
        /** Its bytes differ and are (or would be) replaced. */
        CHANGED,
        /** Same bytes, but mode, owner or group drifted and are (or would be) restored. */
        PERMISSIONS,
        UNCHANGED,
        /** An input or the write failed: the file keeps its previous content. */
        FAILED,
        /**
         * The new content is what a rollback rejected (a unit failed with it): the file keeps its restored content
         * until the secrets change again.
         */
        HELD;

        public boolean contentChanged() {
            return this == CREATED || this == CHANGED;
        }

        /** The file is (or would be) written or has its permissions restored. */
        public boolean written() {
            return contentChanged() || this == PERMISSIONS;
        }

        /** The output is not as its secrets say it should be. */
        public boolean failed() {
            return this == FAILED || this == HELD;
        }
    }

    /** Variables added, removed and changed against the last written file; all unknown when it was edited since. */
    public record VariableDiff(List<String> added, List<String> removed, List<String> changed,
                               boolean previousUnknown) {
        public static final VariableDiff NONE = new VariableDiff(List.of(), List.of(), List.of(), false);
    }
}
