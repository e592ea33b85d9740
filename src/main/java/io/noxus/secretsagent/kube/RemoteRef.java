package io.noxus.secretsagent.kube;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Where ESO reads one value: a store (one per backend and Vault mount), the key in it, a property and a version. */
record RemoteRef(Store store, String key, Optional<String> property, Optional<String> version) {
    /** A SecretStore to write: its name and its {@code spec.provider}. */
    record Store(String name, Map<String, Object> provider) {
    }

    Map<String, Object> toYaml() {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("key", key);
        property.ifPresent(p -> ref.put("property", p));
        version.ifPresent(v -> ref.put("version", v));
        return ref;
    }
}
