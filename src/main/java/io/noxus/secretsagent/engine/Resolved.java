package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.config.Mapping;
import java.util.List;
import java.util.Map;

/**
 * Every mapping expanded into variables. A bulk mapping whose secret failed has no known variable names: it is in
 * {@code failedBulk} with its error, and every output it reaches keeps its last-known-good content.
 */
record Resolved(List<Binding> bindings, Map<Mapping, String> failedBulk) {
}
