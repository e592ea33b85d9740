package io.noxus.secretsagent.engine;

import java.util.List;

/** The action a service declares, due because one of its outputs changed. */
public record PlannedAction(String service, String action, List<String> units) {
}
