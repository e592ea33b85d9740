package io.noxus.secretsagent.kube;

import io.noxus.secretsagent.backend.azure.SecretAddress;
import io.noxus.secretsagent.config.AzureBackendSettings;
import io.noxus.secretsagent.config.ConfigException;
import io.noxus.secretsagent.secret.Reference;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/** The ESO {@code azurekv} store and {@code remoteRef} of an {@code azure:} reference (docs/kubernetes.md). */
final class AzureRemoteRefs {
    private AzureRemoteRefs() {
    }

    /**
     * Azure: one {@code azurekv} store per backend; the key is {@code secret/NAME} (the Key Vault secret; for a bulk
     * mapping's variable, the secret its field came from), {@code #json-key} the property, {@code ?version=ID} the
     * version. A service principal reads its ids from a Secret {@code noxus-BACKEND-sp} you create; a managed
     * identity (IMDS or Azure Arc: no such thing in a pod) becomes Workload Identity through the service account.
     */
    static RemoteRef of(AzureBackendSettings azure, Reference ref,
                        BiFunction<String, Optional<String>, Map<String, Object>> namespaced, String serviceAccount) {
        SecretAddress address = SecretAddress.parse(ref.path())
                .orElseThrow(() -> new ConfigException(ref + ": " + SecretAddress.FORM_HELP));
        String cloud = AZURE_CLOUDS.entrySet().stream().filter(e -> azure.vaultUrl().getHost()
                .toLowerCase(Locale.ROOT).endsWith("." + e.getKey())).map(Map.Entry::getValue).findFirst()
                .orElse("PublicCloud");
        if (!azure.authorityHost().getHost().equalsIgnoreCase(AzureBackendSettings.defaultAuthority(azure.vaultUrl())
                .getHost())) {
            throw new ConfigException("backends." + azure.name() + ".authority_host: ESO's azurekv provider takes "
                    + "the authority from environmentType (" + cloud + " for " + azure.vaultUrl() + "), and "
                    + azure.authorityHost() + " is not that cloud's; configure the store's customCloudConfig by hand");
        }
        Map<String, Object> provider = new LinkedHashMap<>();
        provider.put("vaultUrl", azure.vaultUrl().toString());
        provider.put("environmentType", cloud);
        String secret = "noxus-" + azure.name() + "-sp";
        if (azure.credential() instanceof AzureBackendSettings.ClientSecret sp) {
            provider.put("authType", "ServicePrincipal");
            provider.put("tenantId", sp.tenantId());
            provider.put("authSecretRef", Map.of("clientId", namespaced.apply(secret, Optional.of("ClientID")),
                    "clientSecret", namespaced.apply(secret, Optional.of("ClientSecret"))));
        } else if (azure.credential() instanceof AzureBackendSettings.ClientCertificate cert) {
            provider.put("authType", "ServicePrincipal");
            provider.put("tenantId", cert.tenantId());
            provider.put("authSecretRef", Map.of("clientId", namespaced.apply(secret, Optional.of("ClientID")),
                    "clientCertificate", namespaced.apply(secret, Optional.of("ClientCertificate"))));
        } else {
            provider.put("authType", "WorkloadIdentity");
            provider.put("serviceAccountRef", namespaced.apply(serviceAccount, Optional.empty()));
        }
        boolean bulkField = address.prefix();
        String name = bulkField ? address.secretOfField(ref.field().orElseThrow()) : address.name();
        return new RemoteRef(new RemoteRef.Store("noxus-" + azure.name(), Map.of("azurekv", provider)),
                "secret/" + name, bulkField ? Optional.empty() : ref.field(), address.version());
    }

    /** ESO's environmentType of each national cloud's Key Vault domain. */
    private static final Map<String, String> AZURE_CLOUDS = Map.of("vault.usgovcloudapi.net", "USGovernmentCloud",
            "vault.azure.cn", "ChinaCloud");

}
