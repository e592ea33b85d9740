package io.noxus.secretsagent.backend.vault;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.secret.Reference;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The narrowest Vault/OpenBao ACL policy that lets the agent read the given documents: {@code read} on each exact
 * path, never a wildcard (a bulk mapping reads one secret's fields, so it needs no prefix either). KV v2 needs the
 * {@code data/} path and, unless the reference pins a version, the {@code metadata/} path (the cheap change probe);
 * KV v1 needs the path itself. The mount lookup ({@code sys/internal/ui/mounts/<path>}) and the token's own
 * {@code lookup-self} come with any token that can read the path and with Vault's {@code default} policy.
 */
final class VaultPolicy {
    private VaultPolicy() {
    }

    /** @param feeds per document, what it feeds (variables, secret files), for the comment above its paths */
    static String hcl(String backend, Map<Reference, List<String>> feeds, Function<String, KvMounts.Mount> mounts) {
        Map<String, Set<String>> fedBy = new TreeMap<>();
        Map<String, Set<String>> pathsOf = new TreeMap<>();
        feeds.forEach((ref, fed) -> {
            KvPath kv = KvPath.parse(ref.path()).orElseThrow(() -> new BackendException(ref, false, "expected "
                    + "<mount>/<path>, optionally ending in ?version=N (KV v2)"));
            if (kv.path().contains("*") || kv.path().contains("+")) {
                throw new BackendException(ref, false, "a Vault policy cannot name this path exactly ('*' and '+' "
                        + "are policy wildcards); rename the secret");
            }
            KvMounts.Mount mount = mounts.apply(kv.path());
            String inside = mount.inside(kv.path()).orElseThrow(() -> new BackendException(ref, false,
                    kv.path() + " is the mount itself; name a secret under it"));
            fedBy.computeIfAbsent(kv.path(), p -> new TreeSet<>()).addAll(fed);
            Set<String> paths = pathsOf.computeIfAbsent(kv.path(), p -> new LinkedHashSet<>());
            if (mount.version() == 1) {
                paths.add(kv.path());
            } else {
                paths.add(mount.path() + "/data/" + inside);
                if (kv.version().isEmpty()) {
                    paths.add(mount.path() + "/metadata/" + inside); // the change probe; a pinned version needs none
                }
            }
        });
        StringBuilder out = new StringBuilder("# noxus-secrets-agent: read-only access for backend '" + backend
                + "'; exact paths, no wildcards.\n# Give the token this policy and Vault's default policy "
                + "(lookup-self, renew-self).\n");
        pathsOf.forEach((secret, paths) -> {
            out.append("\n# ").append(secret).append(" -> ").append(String.join(", ", fedBy.get(secret)))
                    .append('\n');
            paths.stream().sorted().forEach(path -> out.append("path \"").append(path)
                    .append("\" {\n  capabilities = [\"read\"]\n}\n"));
        });
        return out.toString();
    }
}
