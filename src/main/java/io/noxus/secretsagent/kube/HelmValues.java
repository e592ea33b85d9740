package io.noxus.secretsagent.kube;

import io.noxus.secretsagent.config.ConfigException;
import io.noxus.secretsagent.config.SecretFileSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values fragment for the Noxus chart: {@code frontend}, {@code backend} and {@code beat} in the primary values,
 * each pool in {@code worker.pools[]}. Each workload gets {@code extraEnv} (one {@code valueFrom.secretKeyRef} per
 * variable of its own Secret, so a name is never set twice), {@code extraSecretMounts} (one per secret file, at its
 * path, with its mode) and the Reloader annotation naming only its own Secrets, so only pods whose Secret changed
 * restart.
 */
final class HelmValues {
    static final String RELOADER = "secret.reloader.stakater.com/reload";

    private HelmValues() {
    }

    static Map<String, Object> of(List<Workload> workloads) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<Object> pools = new ArrayList<>();
        Map<String, Workload> byKey = new LinkedHashMap<>();
        for (Workload w : workloads) {
            Workload other = byKey.putIfAbsent(w.chartKey(), w);
            if (other != null) {
                throw new ConfigException("services." + w.name() + " and services." + other.name() + " both become the "
                        + "chart's " + w.chartKey() + "; export them one at a time with --service");
            }
            Map<String, Object> entry = workload(w);
            if (w.pool().isPresent()) {
                Map<String, Object> pool = new LinkedHashMap<>();
                pool.put("name", w.pool().get());
                pool.putAll(entry);
                pools.add(pool);
            } else {
                values.put(w.chartKey(), entry);
            }
        }
        if (!pools.isEmpty()) {
            values.put("worker", Map.of("pools", pools));
        }
        return values;
    }

    private static Map<String, Object> workload(Workload w) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> secrets = new ArrayList<>();
        if (!w.variables().isEmpty()) {
            secrets.add(w.secretName());
        }
        if (!w.files().isEmpty()) {
            secrets.add(w.filesSecretName());
        }
        out.put("annotations", Map.of(RELOADER, String.join(",", secrets)));
        out.put("extraEnv", w.variables().stream().map(v -> Map.of("name", v.name(), "valueFrom",
                Map.of("secretKeyRef", Map.of("name", w.secretName(), "key", v.name())))).toList());
        List<Object> mounts = new ArrayList<>();
        for (int i = 0; i < w.files().size(); i++) {
            SecretFileSpec f = w.files().get(i);
            Map<String, Object> mount = new LinkedHashMap<>();
            mount.put("name", "noxus-file-" + i);
            mount.put("secretName", w.filesSecretName());
            mount.put("mountPath", f.file().path().toString());
            mount.put("subPath", Workload.fileKey(f));
            mount.put("defaultMode", f.file().mode());
            mount.put("readOnly", true);
            mounts.add(mount);
        }
        out.put("extraSecretMounts", mounts);
        return out;
    }
}
