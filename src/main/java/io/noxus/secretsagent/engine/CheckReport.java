package io.noxus.secretsagent.engine;

import java.util.List;

/**
 * The audit view of a config: for each mapping, which services receive it ({@code x}), are shadowed by a narrower
 * mapping of the same variable ({@code o}), or do not see it ({@code .}); plus permission warnings and, when the
 * backends were asked, one line per reference. Names and references only.
 */
public record CheckReport(List<String> services, List<Row> rows, List<String> errors, List<String> warnings,
                          List<ReferenceCheck> references) {
    public record Row(String variable, String reference, String scope, List<String> cells) {
    }

    public record ReferenceCheck(String reference, boolean ok, String detail) {
    }

    public boolean failed() {
        return !errors.isEmpty() || references.stream().anyMatch(r -> !r.ok());
    }

    /** The same report with more host findings (from the composition root, which can ask systemd). */
    public CheckReport with(List<String> moreErrors, List<String> moreWarnings) {
        return new CheckReport(services, rows, concat(errors, moreErrors), concat(warnings, moreWarnings), references);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
