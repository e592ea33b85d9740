package io.noxus.secretsagent.kube;

import java.util.LinkedHashMap;
import java.util.Map;

/** One exported file: its name in the output folder and its content; {@code holdsValues} only in plain mode. */
public record Manifest(String file, Map<String, Object> body, boolean holdsValues) {
    static Map<String, Object> object(String apiVersion, String kind, String name, ExportOptions options,
                                      boolean namespaced) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        if (namespaced) {
            options.namespace().ifPresent(ns -> meta.put("namespace", ns));
        }
        meta.put("labels", Map.of("app.kubernetes.io/managed-by", "noxus-secrets-agent"));
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", apiVersion);
        object.put("kind", kind);
        object.put("metadata", meta);
        return object;
    }
}
