package io.noxus.secretsagent.kube;

import java.util.List;
import java.util.Optional;

/**
 * What {@code export kubernetes} was asked for. {@code plainSecrets}: write core {@code Secret} manifests holding the
 * values instead of stores and ExternalSecrets (the only mode that puts values in files, and the only one in which
 * the {@code file} backend can be exported).
 */
public record ExportOptions(Optional<String> namespace, List<String> services, boolean clusterStore,
                            boolean plainSecrets, VaultAuth vaultAuth, String vaultRole, String serviceAccount) {
    /** How ESO logs in to Vault: a Kubernetes service account token, or AppRole with ids from a Secret. */
    public enum VaultAuth { KUBERNETES, APPROLE }

    public ExportOptions {
        services = List.copyOf(services);
    }
}
