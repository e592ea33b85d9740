package io.noxus.secretsagent.kube;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.aws.SecretAddress;
import io.noxus.secretsagent.backend.vault.KvPath;
import io.noxus.secretsagent.config.AwsBackendSettings;
import io.noxus.secretsagent.config.AzureBackendSettings;
import io.noxus.secretsagent.config.BackendSettings;
import io.noxus.secretsagent.config.ConfigException;
import io.noxus.secretsagent.config.FileBackendSettings;
import io.noxus.secretsagent.config.VaultBackendSettings;
import io.noxus.secretsagent.secret.Reference;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an agent reference into an ESO {@code remoteRef} and the store it reads through: Vault, one store per
 * backend and KV mount ({@code path} and {@code version} are per store in ESO), the path below the mount as key,
 * {@code ?version=N} as version; AWS, one store per backend, the secret id as key, {@code ?version_id=ID} as
 * {@code uuid/ID} and {@code ?version_stage=S} as {@code S}; Azure, one store per backend (below). The field is the
 * property.
 */
final class RemoteRefs {
    private final Map<String, BackendSettings> backends;
    private final ExportOptions options;

    RemoteRefs(Map<String, BackendSettings> backends, ExportOptions options) {
        this.backends = backends;
        this.options = options;
    }

    RemoteRef of(Reference ref) {
        BackendSettings settings = backends.get(ref.backend());
        if (settings instanceof VaultBackendSettings vault) {
            return vault(vault, ref);
        }
        if (settings instanceof AwsBackendSettings aws) {
            return aws(aws, ref);
        }
        if (settings instanceof AzureBackendSettings azure) {
            return AzureRemoteRefs.of(azure, ref, this::namespaced, options.serviceAccount());
        }
        FileBackendSettings file = (FileBackendSettings) settings;
        throw new ConfigException("backends." + file.name() + " (type file, " + ref + "): a local secrets file has no "
                + "SecretStore in Kubernetes; move these secrets to Vault, AWS Secrets Manager or Azure Key Vault, or "
                + "export with --plain-secrets-with-values, which writes the values themselves into the Secret "
                + "manifests");
    }

    private RemoteRef vault(VaultBackendSettings vault, Reference ref) {
        KvPath path = KvPath.parse(ref.path()).orElseThrow(() -> new ConfigException(ref + ": not a Vault KV path"));
        String mount = vault.kvVersions().keySet().stream().filter(m -> path.path().startsWith(m + "/"))
                .max(Comparator.comparingInt(String::length)).orElseThrow(() -> new ConfigException("backends."
                        + vault.name() + ".kv_versions: export needs the KV mount and version of " + ref + " (ESO "
                        + "cannot detect them); add its mount, e.g. kv_versions: {" + path.path().split("/")[0]
                        + ": 2}"));
        int version = vault.kvVersions().get(mount);
        if (version == 1 && path.version().isPresent()) {
            throw new ConfigException(ref + ": a version pin needs KV version 2, and backends." + vault.name()
                    + ".kv_versions." + mount + " is 1; remove ?version=" + path.version().getAsInt()
                    + ", or set it to 2 if that mount is KV version 2");
        }
        Map<String, Object> provider = new LinkedHashMap<>();
        provider.put("server", vault.address().toString());
        provider.put("path", mount);
        provider.put("version", "v" + version);
        vault.namespace().ifPresent(ns -> provider.put("namespace", ns));
        provider.put("auth", vaultAuth(vault));
        String store = "noxus-" + vault.name() + "-" + mount.replaceAll("[^a-z0-9-]", "-");
        return new RemoteRef(new RemoteRef.Store(store, Map.of("vault", provider)),
                path.path().substring(mount.length() + 1), ref.field(),
                path.version().isPresent() ? Optional.of(Integer.toString(path.version().getAsInt())) : Optional.empty());
    }

    private Map<String, Object> vaultAuth(VaultBackendSettings vault) {
        if (options.vaultAuth() == ExportOptions.VaultAuth.KUBERNETES) {
            return Map.of("kubernetes", Map.of("mountPath", "kubernetes", "role", options.vaultRole(),
                    "serviceAccountRef", namespaced(options.serviceAccount(), Optional.empty())));
        }
        String mount = vault.auth() instanceof VaultBackendSettings.AppRoleAuth app ? app.mount() : "approle";
        String secret = "noxus-" + vault.name() + "-approle";
        return Map.of("appRole", Map.of("path", mount,
                "roleRef", namespaced(secret, Optional.of("role_id")),
                "secretRef", namespaced(secret, Optional.of("secret_id"))));
    }

    private RemoteRef aws(AwsBackendSettings aws, Reference ref) {
        SecretAddress address;
        try {
            address = SecretAddress.parse(ref);
        } catch (BackendException e) {
            throw new ConfigException(e.getMessage());
        }
        Map<String, Object> provider = new LinkedHashMap<>();
        provider.put("service", "SecretsManager");
        provider.put("region", aws.region().orElseThrow(() -> new ConfigException("backends." + aws.name()
                + ".region: export needs the region (ESO has no region chain); set it")));
        aws.assumeRole().ifPresent(role -> {
            provider.put("role", role.roleArn());
            role.externalId().ifPresent(id -> provider.put("externalID", id));
        });
        provider.put("auth", Map.of("jwt", Map.of("serviceAccountRef",
                namespaced(options.serviceAccount(), Optional.empty()))));
        Optional<String> version = address.versionId().map(id -> "uuid/" + id).or(address::versionStage);
        return new RemoteRef(new RemoteRef.Store("noxus-" + aws.name(), Map.of("aws", provider)), address.secretId(),
                ref.field(), version);
    }

    /** A reference to a Secret or service account; a ClusterSecretStore must say in which namespace. */
    Map<String, Object> namespaced(String name, Optional<String> key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        key.ifPresent(k -> out.put("key", k));
        if (options.clusterStore()) {
            out.put("namespace", options.namespace().orElse("default"));
        }
        return out;
    }
}
