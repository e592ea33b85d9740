package io.noxus.secretsagent.app;

import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.output.StateStore;
import java.nio.file.Path;
import java.util.List;

/** Content a rollback rejected and every render holds back, as recorded in the state folder (no values). */
public record HeldContent(String path, String service, String since) {
    /** What is held back now under this config's state folder. */
    public static List<HeldContent> of(AgentConfig config) {
        return in(config.stateDir());
    }

    /** What is held back now in this state folder ({@code status} finds it without loading the config). */
    public static List<HeldContent> in(Path stateDir) {
        return new StateStore(stateDir).holds().entrySet().stream()
                .map(e -> new HeldContent(e.getKey(), e.getValue().service(), e.getValue().since())).toList();
    }
}
