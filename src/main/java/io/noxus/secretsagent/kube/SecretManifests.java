package io.noxus.secretsagent.kube;

import io.noxus.secretsagent.config.SecretFileSpec;
import io.noxus.secretsagent.secret.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The objects that fill each workload's two Secrets: by default one SecretStore per backend (and Vault mount) and
 * one ExternalSecret per Secret, each {@code data} entry a {@code remoteRef}; in plain mode, core Secrets holding the
 * values (base64 {@code data}, so every byte is kept).
 */
final class SecretManifests {
    static final String ESO = "external-secrets.io/v1";
    private final ExportOptions options;
    private final RemoteRefs refs;
    private final String refreshInterval;

    SecretManifests(ExportOptions options, RemoteRefs refs, String refreshInterval) {
        this.options = options;
        this.refs = refs;
        this.refreshInterval = refreshInterval;
    }

    List<Manifest> of(List<Workload> workloads, Function<Reference, byte[]> plainValue) {
        List<Manifest> out = new ArrayList<>();
        Map<String, RemoteRef.Store> stores = new TreeMap<>();
        for (Workload w : workloads) {
            Map<String, Reference> env = new LinkedHashMap<>();
            w.variables().forEach(v -> env.put(v.name(), v.source()));
            Map<String, Reference> files = new LinkedHashMap<>();
            w.files().forEach(f -> files.put(Workload.fileKey(f), f.ref()));
            for (var secret : List.of(Map.entry(w.secretName(), env), Map.entry(w.filesSecretName(), files))) {
                if (secret.getValue().isEmpty()) {
                    continue;
                }
                if (options.plainSecrets()) {
                    out.add(plain(secret.getKey(), secret.getValue(), plainValue));
                } else {
                    out.add(external(secret.getKey(), secret.getValue(), stores));
                }
            }
        }
        stores.values().forEach(s -> out.add(0, store(s)));
        return out;
    }

    private Manifest plain(String name, Map<String, Reference> keys, Function<Reference, byte[]> value) {
        Map<String, Object> secret = Manifest.object("v1", "Secret", name, options, true);
        secret.put("type", "Opaque");
        Map<String, Object> data = new TreeMap<>();
        keys.forEach((key, ref) -> data.put(key, Base64.getEncoder().encodeToString(value.apply(ref))));
        secret.put("data", data);
        return new Manifest("secret-" + name + ".yaml", secret, true);
    }

    private Manifest external(String name, Map<String, Reference> keys, Map<String, RemoteRef.Store> stores) {
        List<Map<String, Object>> data = new ArrayList<>();
        String storeKind = options.clusterStore() ? "ClusterSecretStore" : "SecretStore";
        keys.forEach((key, ref) -> {
            RemoteRef remote = refs.of(ref);
            stores.putIfAbsent(remote.store().name(), remote.store());
            data.add(Map.of("secretKey", key, "remoteRef", remote.toYaml(),
                    "sourceRef", Map.of("storeRef", Map.of("name", remote.store().name(), "kind", storeKind))));
        });
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("refreshInterval", refreshInterval);
        spec.put("target", Map.of("name", name, "creationPolicy", "Owner", "deletionPolicy", "Retain"));
        spec.put("data", data);
        Map<String, Object> es = Manifest.object(ESO, "ExternalSecret", name, options, true);
        es.put("spec", spec);
        return new Manifest("externalsecret-" + name + ".yaml", es, false);
    }

    private Manifest store(RemoteRef.Store store) {
        String kind = options.clusterStore() ? "ClusterSecretStore" : "SecretStore";
        Map<String, Object> object = Manifest.object(ESO, kind, store.name(), options, !options.clusterStore());
        object.put("spec", Map.of("provider", store.provider()));
        return new Manifest(kind.toLowerCase(java.util.Locale.ROOT) + "-" + store.name() + ".yaml", object, false);
    }

    /** The files of one workload keyed by their Secret key; two files of one name in one workload are an error. */
    static void requireDistinctFileKeys(Workload w) {
        Map<String, SecretFileSpec> seen = new LinkedHashMap<>();
        for (SecretFileSpec f : w.files()) {
            SecretFileSpec other = seen.putIfAbsent(Workload.fileKey(f), f);
            if (other != null) {
                throw new io.noxus.secretsagent.config.ConfigException(f.location() + ": file name "
                        + Workload.fileKey(f) + " is also used by " + other.location() + " for service " + w.name()
                        + "; a Secret key is the file name, so give the files different names");
            }
        }
    }

}
