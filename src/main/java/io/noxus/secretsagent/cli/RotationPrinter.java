package io.noxus.secretsagent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.engine.RotationReport;
import io.noxus.secretsagent.json.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Prints a {@link RotationReport}: a table for people, JSON for Ansible and monitoring. Names and dates only. */
final class RotationPrinter {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private RotationPrinter() {
    }

    static void text(RotationReport report, PrintWriter out) {
        List<List<String>> table = new ArrayList<>();
        boolean schedules = report.rows().stream().anyMatch(r -> r.schedule().isPresent());
        table.add(new ArrayList<>(List.of("REFERENCE", "FEEDS", "SERVICES", "SET", "AGE", "POLICY", "STATUS")));
        for (RotationReport.Row row : report.rows()) {
            table.add(new ArrayList<>(List.of(row.reference(), String.join(", ", row.variables()),
                    String.join(", ", row.services()), row.setAt().map(DAY::format).orElse("-"),
                    row.ageDays(report.now()).map(d -> d + " d").orElse("-"),
                    row.policy().maxAgeDays() + " d (warn " + row.policy().warnDays() + ")",
                    row.state() == RotationReport.State.FAILED ? "FAILED" : row.status())));
        }
        if (schedules) {
            table.get(0).add("BACKEND ROTATION");
            for (int i = 0; i < report.rows().size(); i++) {
                table.get(i + 1).add(report.rows().get(i).schedule().map(s -> !s.enabled() ? "off"
                        : "on" + s.nextRotation().map(t -> ", next " + DAY.format(t)).orElse("")).orElse("-"));
            }
        }
        ReportPrinter.printTable(table, out);
        for (RotationReport.Row row : report.rows()) {
            if (row.state() == RotationReport.State.FAILED) {
                out.println("FAILED  " + row.reference() + ": " + row.status().substring("failed: ".length()));
            }
        }
        long unknown = report.rows().stream().filter(r -> r.state() == RotationReport.State.UNKNOWN).count();
        if (unknown > 0) {
            out.println("unknown = the backend does not say when the value was set (KV v1, the file backend)");
        }
    }

    static String json(RotationReport report) {
        ObjectNode tree = Json.MAPPER.createObjectNode();
        tree.put("now", report.now().toString()).put("failed", report.failed());
        ArrayNode rows = tree.putArray("references");
        for (RotationReport.Row row : report.rows()) {
            ObjectNode r = rows.addObject();
            r.put("reference", row.reference());
            r.set("feeds", Json.MAPPER.valueToTree(row.variables()));
            r.set("services", Json.MAPPER.valueToTree(row.services()));
            r.put("set_at", text(row.setAt()));
            Optional<Long> age = row.ageDays(report.now());
            if (age.isPresent()) {
                r.put("age_days", age.get());
            } else {
                r.putNull("age_days");
            }
            r.put("max_age_days", row.policy().maxAgeDays()).put("warn_days", row.policy().warnDays());
            r.put("due_at", text(row.dueAt()));
            r.put("expires_at", text(row.expiresAt()));
            r.put("state", row.state().name().toLowerCase(java.util.Locale.ROOT)).put("status", row.status());
            row.schedule().ifPresent(s -> r.putObject("backend_rotation").put("enabled", s.enabled())
                    .put("last_rotated", text(s.lastRotated())).put("next_rotation", text(s.nextRotation())));
        }
        return Json.pretty(tree);
    }

    private static String text(Optional<Instant> time) {
        return time.map(Instant::toString).orElse(null);
    }
}
