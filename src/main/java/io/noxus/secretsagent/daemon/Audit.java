package io.noxus.secretsagent.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.action.ActionResult;
import io.noxus.secretsagent.engine.OutputResult;
import io.noxus.secretsagent.engine.RotationReport;
import io.noxus.secretsagent.json.Json;
import io.noxus.secretsagent.log.JournalLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.event.Level;

/**
 * The audit trail: one JSON object per line (to stdout, i.e. the journal, with {@code SYSLOG_IDENTIFIER} of the unit).
 * Events: {@code output_changed} (output, path, status, variables added/removed/changed by name, references, the
 * action it calls for and when it is due), {@code action} (service, action, units, outcome, detail, outputs) and
 * {@code config_reload} (applied or rejected, why) and {@code rotation} (a reference's rotation state changed: reference,
 * feeds, services, state, status, previous state, set_at, max_age_days). Names only: never a value.
 */
final class Audit {
    private static final ObjectMapper JSON = Json.MAPPER;
    private final Consumer<String> sink;
    private final boolean journal;

    /** {@code journal}: prefix each line with its journal priority ({@code <6>}, {@code <4>} for a failure). */
    Audit(Consumer<String> sink, boolean journal) {
        this.sink = sink;
        this.journal = journal;
    }

    void outputChanged(OutputResult r, List<String> actions, Instant at) {
        ObjectNode event = event("output_changed", at);
        event.put("output", r.name()).put("path", r.path()).put("status", r.status().name().toLowerCase(Locale.ROOT));
        ObjectNode vars = event.putObject("variables");
        vars.set("added", JSON.valueToTree(r.diff().added()));
        vars.set("removed", JSON.valueToTree(r.diff().removed()));
        vars.set("changed", JSON.valueToTree(r.diff().changed()));
        vars.put("previous_unknown", r.diff().previousUnknown());
        event.set("references", JSON.valueToTree(r.references()));
        event.set("services", JSON.valueToTree(r.services()));
        event.set("actions", JSON.valueToTree(actions));
        emit(event, Level.INFO);
    }

    void action(ActionResult result, Collection<String> outputs, Instant at) {
        ObjectNode event = event("action", at).put("service", result.service()).put("action", result.action());
        event.set("units", JSON.valueToTree(result.units()));
        event.put("outcome", result.outcome().name().toLowerCase(Locale.ROOT)).put("detail", result.detail());
        event.set("outputs", JSON.valueToTree(outputs));
        emit(event, result.outcome().failed() ? Level.WARN : Level.INFO);
    }

    /** {@code previous} null: the first state seen for this reference. */
    void rotation(RotationReport.Row row, String previous, Instant at) {
        ObjectNode event = event("rotation", at).put("reference", row.reference());
        event.set("feeds", JSON.valueToTree(row.variables()));
        event.set("services", JSON.valueToTree(row.services()));
        event.put("state", row.state().name().toLowerCase(Locale.ROOT)).put("status", row.status());
        event.put("previous", previous).put("set_at", row.setAt().map(Instant::toString).orElse(null));
        emit(event.put("max_age_days", row.policy().maxAgeDays()), row.state().fails() ? Level.WARN : Level.INFO);
    }

    /** {@code rejectedBecause} null: the new config was applied. */
    void reload(Instant at, Path config, String rejectedBecause) {
        ObjectNode event = event("config_reload", at).put("result", rejectedBecause == null ? "applied" : "rejected");
        if (rejectedBecause != null) {
            event.put("detail", rejectedBecause);
        }
        emit(event.put("config", config.toString()), rejectedBecause == null ? Level.INFO : Level.WARN);
    }

    private ObjectNode event(String type, Instant at) {
        ObjectNode node = JSON.createObjectNode();
        node.put("audit", "noxus-secrets-agent");
        node.put("ts", at.toString());
        node.put("event", type);
        return node;
    }

    private void emit(ObjectNode event, Level priority) {
        sink.accept(JournalLog.line(journal, priority, Json.line(event)));
    }
}
