package io.noxus.secretsagent.backend.vault;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which KV mount a path lives in, and its engine version: from {@code kv_versions} in the config, else asked once per
 * mount from the server ({@code sys/internal/ui/mounts/<path>}, which any token with access to the path may read).
 */
final class KvMounts {
    record Mount(String path, int version) {
        /** The secret's path inside the mount, or empty when {@code fullPath} is not under this mount. */
        Optional<String> inside(String fullPath) {
            return fullPath.startsWith(path + "/") ? Optional.of(fullPath.substring(path.length() + 1))
                    : Optional.empty();
        }
    }

    private final List<Mount> known = new ArrayList<>();

    KvMounts(Map<String, Integer> configured) {
        configured.forEach((path, version) -> known.add(new Mount(path, version)));
        sort();
    }

    /** Every document's mount is known without asking the server. */
    synchronized boolean covers(java.util.Collection<io.noxus.secretsagent.secret.Reference> documents) {
        return documents.stream().allMatch(ref -> KvPath.parse(ref.path()).map(kv -> known.stream()
                .anyMatch(m -> m.inside(kv.path()).isPresent())).orElse(true));
    }

    /** Synchronized: concurrent reads under one unknown mount wait for one lookup instead of each asking. */
    synchronized Mount resolve(String fullPath, VaultHttp http, String token) {
        for (Mount mount : known) {
            if (mount.inside(fullPath).isPresent()) {
                return mount;
            }
        }
        String apiPath = "sys/internal/ui/mounts/" + fullPath;
        JsonNode data = http.get(apiPath, token).path("data");
        String path = data.path("path").asText("").replaceAll("/+$", "");
        if (path.isEmpty()) {
            throw new VaultCallException(VaultCallException.Kind.MALFORMED, apiPath, "the server did not say which "
                    + "mount holds this path");
        }
        String type = data.path("type").asText("");
        if (!type.equals("kv") && !type.equals("generic")) {
            throw new VaultCallException(VaultCallException.Kind.REFUSED, apiPath, "mount " + path + "/ is a '"
                    + type + "' engine; the vault backend reads KV mounts (v1 or v2)");
        }
        Mount mount = new Mount(path, "2".equals(data.path("options").path("version").asText("1")) ? 2 : 1);
        known.add(mount);
        sort();
        return mount;
    }

    private void sort() {
        known.sort(Comparator.comparingInt((Mount m) -> m.path().length()).reversed());
    }
}
