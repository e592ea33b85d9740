package io.noxus.secretsagent.kube;

import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.Mapping;
import io.noxus.secretsagent.config.SecretFileSpec;
import io.noxus.secretsagent.engine.CheckReport;
import io.noxus.secretsagent.engine.WorkloadVariables.Variable;
import java.util.ArrayList;
import java.util.List;

/**
 * The scope matrix of the exported workloads, read back from what the export puts in each workload's Secrets (not
 * from the scopes): {@code x} a Secret holds a variable of this mapping (or this file), {@code o} the mapping's scope
 * reaches the workload but its Secret holds that name from another mapping, {@code .} neither. Same rows and
 * symbols as the VM matrix of {@code check}, one column per workload.
 */
public final class KubernetesMatrix {
    private KubernetesMatrix() {
    }

    public static CheckReport of(AgentConfig config, List<Workload> workloads) {
        List<CheckReport.Row> rows = new ArrayList<>();
        for (Mapping m : config.mappings()) {
            List<String> cells = workloads.stream().map(w -> cell(m, w)).toList();
            rows.add(new CheckReport.Row(m.label(), m.ref().toString(), m.scope().toString(), cells));
        }
        for (SecretFileSpec f : config.files()) {
            rows.add(new CheckReport.Row(f.name(), f.ref().toString(), f.scope().toString(),
                    workloads.stream().map(w -> w.files().contains(f) ? "x" : ".").toList()));
        }
        return new CheckReport(workloads.stream().map(Workload::name).toList(), rows, List.of(), List.of(),
                List.of());
    }

    private static String cell(Mapping m, Workload w) {
        if (w.variables().stream().anyMatch(v -> v.mapping() == m)) {
            return "x";
        }
        boolean named = m.env().isPresent() && w.variables().stream().map(Variable::name)
                .anyMatch(m.env().get()::equals);
        return named && m.scope().reaches(w.service()) ? "o" : ".";
    }
}
