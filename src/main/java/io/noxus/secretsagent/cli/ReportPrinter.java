package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.action.ActionResult;
import io.noxus.secretsagent.engine.CheckReport;
import io.noxus.secretsagent.engine.OutputResult;
import io.noxus.secretsagent.engine.PlannedAction;
import io.noxus.secretsagent.engine.RenderReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Text views of reports, for people. Everything printed is a name, a path or a reference. */
final class ReportPrinter {
    private ReportPrinter() {
    }

    static void render(RenderReport report, boolean diff, PrintWriter out) {
        String verbPrefix = report.dryRun() ? "would be " : "";
        int width = report.outputs().stream().mapToInt(r -> r.name().length()).max().orElse(1);
        for (OutputResult r : report.outputs()) {
            String status = switch (r.status()) {
                case CREATED -> verbPrefix + "created";
                case CHANGED -> verbPrefix + "changed";
                case PERMISSIONS -> verbPrefix + "permissions restored";
                case UNCHANGED -> "unchanged";
                case FAILED -> "FAILED, previous content kept";
                case HELD -> "HELD BACK, restored content kept";
            };
            out.printf("%-" + width + "s  %s  [%s %s]  %s%n", r.name(), r.path(), r.kind(), r.format(), status);
            if (diff && r.status().contentChanged()) {
                List<String> parts = new ArrayList<>();
                r.diff().added().forEach(v -> parts.add("+" + v));
                r.diff().removed().forEach(v -> parts.add("-" + v));
                r.diff().changed().forEach(v -> parts.add("~" + v));
                out.println("    variables: " + (parts.isEmpty() ? "(none)" : String.join(" ", parts))
                        + (r.diff().previousUnknown() ? "  (the file was changed outside the agent: all listed)" : ""));
            }
            r.errors().forEach(e -> out.println("    error: " + e));
        }
        if (diff || report.dryRun()) {
            for (PlannedAction a : report.actions()) {
                out.println("due: " + a.action() + " " + String.join(" ", a.units()) + " (service "
                        + a.service().name() + ")");
            }
        }
        long changed = report.outputs().stream().filter(r -> r.status().written()).count();
        long failed = report.outputs().stream().filter(r -> r.status().failed()).count();
        out.printf("%d outputs: %d %s, %d failed%s%n", report.outputs().size(), changed,
                report.dryRun() ? "would change" : "written", failed, report.dryRun() ? " (dry run)" : "");
    }

    /** One line per action taken: what ran on which units, and how it ended (with the reason when it failed). */
    static void acted(List<ActionResult> acted, PrintWriter out) {
        for (ActionResult a : acted) {
            out.println("acted: " + a.action() + " " + String.join(" ", a.units()) + " (service " + a.service()
                    + "): " + a.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + (a.outcome().failed() ? " - " + a.detail() : ""));
        }
    }

    static void check(CheckReport report, PrintWriter out) {
        List<String> header = new ArrayList<>(List.of("VARIABLE", "REFERENCE", "SCOPE"));
        header.addAll(report.services());
        List<List<String>> table = new ArrayList<>();
        table.add(header);
        for (CheckReport.Row row : report.rows()) {
            List<String> line = new ArrayList<>(List.of(row.variable(), row.reference(), row.scope()));
            line.addAll(row.cells());
            table.add(line);
        }
        printTable(table, out);
        out.println("x = receives it, o = shadowed by a narrower mapping, . = does not see it");
        report.warnings().forEach(w -> out.println("warning: " + w));
        report.errors().forEach(e -> out.println("error: " + e));
        for (CheckReport.ReferenceCheck ref : report.references()) {
            out.println((ref.ok() ? "ok      " : "FAILED  ") + ref.reference() + ": " + ref.detail());
        }
    }

    static void printTable(List<List<String>> table, PrintWriter out) {
        int columns = table.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : table) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        for (List<String> row : table) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(String.format("%-" + widths[c] + "s", row.get(c)));
                if (c < columns - 1) {
                    line.append("  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
