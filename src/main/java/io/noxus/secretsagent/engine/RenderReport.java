package io.noxus.secretsagent.engine;

import java.util.List;

/** The outcome of one render: every output considered, and the actions the changes call for. */
public record RenderReport(boolean dryRun, List<OutputResult> outputs, List<PlannedAction> actions) {
    public boolean changed() {
        return outputs.stream().anyMatch(o -> o.status().written());
    }

    public boolean failed() {
        return outputs.stream().anyMatch(o -> o.status().failed());
    }
}
