package io.noxus.secretsagent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An Azure Key Vault backend: one vault, one explicit credential (no chain that silently tries everything).
 *
 * @param vaultUrl       {@code https://NAME.vault.azure.net} (or a national cloud's vault domain)
 * @param authorityHost  the Entra host that issues tokens to service principals (national clouds differ)
 * @param caFile         a CA bundle to trust instead of the JDK's (a TLS-inspecting proxy's CA)
 * @param requestTimeout the longest one HTTP request may take, as a whole
 * @param maxConcurrentReads how many secret GETs of one fetch may be in flight at once
 */
public record AzureBackendSettings(String name, URI vaultUrl, Credential credential, URI authorityHost,
                                   Optional<Path> caFile, Duration requestTimeout, int maxConcurrentReads)
        implements BackendSettings {
    public static final String TYPE = "azure-key-vault";
    public static final URI DEFAULT_AUTHORITY = URI.create("https://login.microsoftonline.com");
    /** The national clouds' Key Vault domains and their Microsoft Entra hosts (the public cloud's is the default). */
    public static final Map<String, URI> NATIONAL_AUTHORITIES = Map.of(
            "vault.usgovcloudapi.net", URI.create("https://login.microsoftonline.us"),
            "vault.azure.cn", URI.create("https://login.chinacloudapi.cn"));
    public static final URI DEFAULT_IMDS = URI.create("http://169.254.169.254/metadata/identity/oauth2/token");
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** With the default {@code max_concurrent_reads}. */
    public AzureBackendSettings(String name, URI vaultUrl, Credential credential, URI authorityHost,
                                Optional<Path> caFile, Duration requestTimeout) {
        this(name, vaultUrl, credential, authorityHost, caFile, requestTimeout, DEFAULT_CONCURRENT_READS);
    }

    /** How the agent proves who it is. */
    public sealed interface Credential {
    }

    /** A service principal's client secret, read from a file (never inline). */
    public record ClientSecret(String tenantId, String clientId, Path secretFile) implements Credential {
    }

    /** A service principal's certificate: one PEM file with the PKCS#8 private key and the certificate. */
    public record ClientCertificate(String tenantId, String clientId, Path certificateFile) implements Credential {
    }

    /** The host's managed identity: system-assigned, or user-assigned by client id, from an IMDS endpoint. */
    public record ManagedIdentity(Optional<String> clientId, URI endpoint) implements Credential {
    }

    /**
     * An Azure Arc-enabled server's system-assigned identity, from the local Arc agent (Hybrid Instance Metadata
     * Service): its endpoint is the environment's {@code IDENTITY_ENDPOINT} (else {@code IMDS_ENDPOINT} + the token
     * path, else {@link #DEFAULT_ARC}), read when the backend is made; the agent answers a first request with a
     * {@code Basic realm=} challenge naming a key file, which must be a {@code .key} file directly in
     * {@code keyFolder}.
     */
    public record ArcManagedIdentity(Path keyFolder) implements Credential {
    }

    /** Where the Arc agent writes its challenge key files on Linux. */
    public static final Path DEFAULT_ARC_KEY_FOLDER = Path.of("/var/opt/azcmagent/tokens");
    /** The Arc agent's token endpoint when the environment names none. */
    public static final URI DEFAULT_ARC = URI.create("http://localhost:40342/metadata/identity/oauth2/token");

    /**
     * The authority a vault's cloud issues tokens from, when {@code authority_host} is not set: the national cloud's
     * host for a vault under its domain ({@code NAME.vault.usgovcloudapi.net} gets login.microsoftonline.us), else
     * the public cloud's.
     */
    public static URI defaultAuthority(URI vaultUrl) {
        String host = vaultUrl.getHost() == null ? "" : vaultUrl.getHost().toLowerCase(Locale.ROOT);
        return NATIONAL_AUTHORITIES.entrySet().stream().filter(e -> host.endsWith("." + e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(DEFAULT_AUTHORITY);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
