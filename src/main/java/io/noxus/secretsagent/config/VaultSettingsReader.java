package io.noxus.secretsagent.config;

import io.noxus.secretsagent.config.VaultBackendSettings.AppRoleAuth;
import io.noxus.secretsagent.config.VaultBackendSettings.Auth;
import io.noxus.secretsagent.config.VaultBackendSettings.CertAuth;
import io.noxus.secretsagent.config.VaultBackendSettings.ClientCertificate;
import io.noxus.secretsagent.config.VaultBackendSettings.TokenAuth;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads a {@code type: vault} backend entry. */
final class VaultSettingsReader {
    private static final int DEFAULT_TIMEOUT_SECONDS = 10;

    private VaultSettingsReader() {
    }

    static VaultBackendSettings read(String name, ConfigNode node) {
        node.onlyKeys("type", "address", "namespace", "ca_file", "tls_server_name", "client_cert_file",
                "client_key_file", "request_timeout_seconds", "kv_versions", "auth", "max_concurrent_reads");
        Optional<ClientCertificate> clientCert = clientCertificate(node);
        Duration timeout = Duration.ofSeconds(node.optional("request_timeout_seconds").map(ConfigNode::positiveInt)
                .orElse(DEFAULT_TIMEOUT_SECONDS));
        return new VaultBackendSettings(name, address(node.required("address")), node.optionalText("namespace")
                .map(VaultSettingsReader::trimSlashes), node.optional("ca_file").map(VaultSettingsReader::existingFile),
                node.optionalText("tls_server_name"), clientCert, timeout, kvVersions(node),
                auth(node.required("auth"), clientCert), node.optional("max_concurrent_reads")
                .map(BackendReader::concurrentReads).orElse(BackendSettings.DEFAULT_CONCURRENT_READS));
    }

    private static URI address(ConfigNode node) {
        String text = node.text();
        try {
            URI uri = new URI(text);
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
                    || uri.getQuery() != null || uri.getUserInfo() != null) {
                throw node.error("expected the server's base URL, like https://vault.example:8200 (no path)");
            }
            return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
        } catch (URISyntaxException e) {
            throw node.error("expected the server's base URL, like https://vault.example:8200 (no path)");
        }
    }

    private static Optional<ClientCertificate> clientCertificate(ConfigNode node) {
        if (node.has("client_cert_file") != node.has("client_key_file")) {
            throw node.child(node.has("client_cert_file") ? "client_key_file" : "client_cert_file")
                    .error("client_cert_file and client_key_file go together; set both or neither");
        }
        return node.optional("client_cert_file").map(cert -> new ClientCertificate(existingFile(cert),
                existingFile(node.child("client_key_file"))));
    }

    private static Map<String, Integer> kvVersions(ConfigNode node) {
        Map<String, Integer> out = new LinkedHashMap<>();
        node.optional("kv_versions").ifPresent(versions -> versions.entries().forEach((mount, version) -> {
            int v = version.positiveInt();
            if (v != 1 && v != 2) {
                throw version.error("KV engine version is 1 or 2");
            }
            out.put(trimSlashes(mount), v);
        }));
        return out;
    }

    private static Auth auth(ConfigNode node, Optional<ClientCertificate> clientCert) {
        String method = node.requiredText("method");
        switch (method) {
            case "token" -> {
                node.onlyKeys("method", "token_env", "token_file");
                if (node.has("token_env") == node.has("token_file")) {
                    throw node.error("token auth reads the token from token_env or token_file; set exactly one");
                }
                return new TokenAuth(node.optionalText("token_env"),
                        node.optional("token_file").map(VaultSettingsReader::existingFile));
            }
            case "approle" -> {
                node.onlyKeys("method", "mount", "role_id_file", "secret_id_file", "secret_id_wrapped");
                boolean wrapped = node.optional("secret_id_wrapped").map(ConfigNode::bool).orElse(false);
                return new AppRoleAuth(node.optionalText("mount").map(VaultSettingsReader::trimSlashes)
                        .orElse("approle"), existingFile(node.required("role_id_file")),
                        existingFile(node.required("secret_id_file")), wrapped);
            }
            case "cert" -> {
                node.onlyKeys("method", "mount", "role");
                if (clientCert.isEmpty()) {
                    throw node.child("method").error("cert auth logs in with the TLS client certificate; set "
                            + "client_cert_file and client_key_file on the backend");
                }
                return new CertAuth(node.optionalText("mount").map(VaultSettingsReader::trimSlashes).orElse("cert"),
                        node.optionalText("role"));
            }
            default -> throw node.child("method").error("unknown auth method '" + method
                    + "'; expected one of: token, approle, cert");
        }
    }

    static Path existingFile(ConfigNode node) {
        Path path = node.resolvePath();
        if (!Files.isRegularFile(path)) {
            throw node.error("file " + path + " does not exist or is not a regular file; create it or fix the path");
        }
        return path;
    }

    private static String trimSlashes(String text) {
        return text.replaceAll("^/+|/+$", "");
    }
}
