package io.noxus.secretsagent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A HashiCorp Vault or OpenBao server. Holds names and file paths only: tokens and credentials are read from the
 * environment or from files when the client logs in, never kept here.
 *
 * @param kvVersions KV engine version per mount path (no slashes at either end), as configured; mounts not listed
 *                   are detected by asking the server
 * @param maxConcurrentReads how many reads of one fetch may be in flight at once (1 to {@link #MAX_CONCURRENT_READS})
 */
public record VaultBackendSettings(String name, URI address, Optional<String> namespace, Optional<Path> caFile,
        Optional<String> tlsServerName, Optional<ClientCertificate> clientCertificate, Duration requestTimeout,
        Map<String, Integer> kvVersions, Auth auth, int maxConcurrentReads) implements BackendSettings {
    public static final String TYPE = "vault";

    public VaultBackendSettings {
        kvVersions = Map.copyOf(kvVersions);
    }

    /** With the default {@code max_concurrent_reads}. */
    public VaultBackendSettings(String name, URI address, Optional<String> namespace, Optional<Path> caFile,
            Optional<String> tlsServerName, Optional<ClientCertificate> clientCertificate, Duration requestTimeout,
            Map<String, Integer> kvVersions, Auth auth) {
        this(name, address, namespace, caFile, tlsServerName, clientCertificate, requestTimeout, kvVersions, auth,
                DEFAULT_CONCURRENT_READS);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** A PEM certificate (chain) and its PKCS#8 PEM private key, presented to the server for TLS client auth. */
    public record ClientCertificate(Path certFile, Path keyFile) {
    }

    /** How the agent gets its Vault token. */
    public sealed interface Auth permits TokenAuth, AppRoleAuth, CertAuth {
    }

    /** A token from an environment variable or from a file only its owner may read. */
    public record TokenAuth(Optional<String> env, Optional<Path> file) implements Auth {
    }

    /**
     * AppRole login with role_id and secret_id read from files; with {@code secretIdWrapped} the secret_id file holds
     * a response-wrapping token, unwrapped once (a wrapping token works only once).
     */
    public record AppRoleAuth(String mount, Path roleIdFile, Path secretIdFile, boolean secretIdWrapped)
            implements Auth {
    }

    /** TLS certificate login (the backend's client_certificate), optionally naming the cert role. */
    public record CertAuth(String mount, Optional<String> role) implements Auth {
    }
}
