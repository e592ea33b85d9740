package io.noxus.secretsagent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads a {@code type: azure-key-vault} backend entry. */
final class AzureBackendReader {
    private static final String GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    private static final String CLIENT_ID = "[0-9A-Za-z][0-9A-Za-z._-]{0,127}";
    private static final List<String> METHODS = List.of("client_secret", "client_certificate", "managed_identity");
    private static final int MAX_TIMEOUT_SECONDS = 300;

    private AzureBackendReader() {
    }

    static AzureBackendSettings read(String name, ConfigNode node) {
        node.onlyKeys("type", "vault_url", "client_secret", "client_certificate", "managed_identity",
                "authority_host", "ca_file", "request_timeout_seconds", "max_concurrent_reads");
        URI vault = https(node.required("vault_url"), "https://NAME.vault.azure.net");
        List<String> present = METHODS.stream().filter(node::has).toList();
        if (present.size() != 1) {
            throw node.error(present.isEmpty() ? "name one credential: client_secret, client_certificate or "
                    + "managed_identity" : "name exactly one credential, not " + String.join(" and ", present));
        }
        ConfigNode method = node.child(present.get(0));
        AzureBackendSettings.Credential credential = switch (present.get(0)) {
            case "client_secret" -> {
                for (String inline : List.of("secret", "value", "client_secret")) {
                    if (method.has(inline)) {
                        throw method.child(inline).error("a client secret never goes in the config file: put it "
                                + "in a file only root can read and name that file in secret_file");
                    }
                }
                method.onlyKeys("tenant_id", "client_id", "secret_file");
                yield new AzureBackendSettings.ClientSecret(tenant(method), clientId(method.required("client_id")),
                        file(method.required("secret_file")));
            }
            case "client_certificate" -> {
                method.onlyKeys("tenant_id", "client_id", "certificate_file");
                yield new AzureBackendSettings.ClientCertificate(tenant(method),
                        clientId(method.required("client_id")), file(method.required("certificate_file")));
            }
            default -> {
                if (method.has("arc") && method.child("arc").bool()) {
                    for (String other : List.of("client_id", "endpoint")) {
                        if (method.has(other)) {
                            throw method.child(other).error("an Azure Arc machine has only its system-assigned "
                                    + "identity, from the Arc agent's endpoint (IDENTITY_ENDPOINT, else "
                                    + AzureBackendSettings.DEFAULT_ARC + "): drop " + other);
                        }
                    }
                    method.onlyKeys("arc", "arc_key_folder");
                    yield new AzureBackendSettings.ArcManagedIdentity(method.optional("arc_key_folder")
                            .map(AzureBackendReader::folder).orElse(AzureBackendSettings.DEFAULT_ARC_KEY_FOLDER));
                }
                method.onlyKeys("client_id", "endpoint", "arc");
                yield new AzureBackendSettings.ManagedIdentity(method.optional("client_id")
                        .map(AzureBackendReader::clientId), method.optional("endpoint").map(AzureBackendReader::url)
                        .orElse(AzureBackendSettings.DEFAULT_IMDS));
            }
        };
        URI authority = node.optional("authority_host").map(n -> https(n, "https://login.microsoftonline.us"))
                .orElse(AzureBackendSettings.defaultAuthority(vault));
        Optional<Path> ca = node.optional("ca_file").map(AzureBackendReader::file);
        Duration timeout = node.optional("request_timeout_seconds").map(n -> {
            int seconds = n.positiveInt();
            if (seconds > MAX_TIMEOUT_SECONDS) {
                throw n.error("at most " + MAX_TIMEOUT_SECONDS + " seconds; the cycle retries a call that timed out");
            }
            return Duration.ofSeconds(seconds);
        }).orElse(AzureBackendSettings.DEFAULT_REQUEST_TIMEOUT);
        return new AzureBackendSettings(name, vault, credential, authority, ca, timeout,
                node.optional("max_concurrent_reads").map(BackendReader::concurrentReads)
                        .orElse(BackendSettings.DEFAULT_CONCURRENT_READS));
    }

    private static String tenant(ConfigNode method) {
        ConfigNode node = method.required("tenant_id");
        if (!node.text().matches(GUID)) {
            throw node.error("'" + node.text() + "' is not a tenant id (a GUID, e.g. "
                    + "72f988bf-86f1-41af-91ab-2d7cd011db47)");
        }
        return node.text();
    }

    private static String clientId(ConfigNode node) {
        if (!node.text().matches(CLIENT_ID)) {
            throw node.error("'" + node.text() + "' is not a client id (the application's GUID)");
        }
        return node.text();
    }

    private static Path file(ConfigNode node) {
        return VaultSettingsReader.existingFile(node);
    }

    private static Path folder(ConfigNode node) {
        Path path = Path.of(node.text());
        if (!path.isAbsolute()) {
            throw node.error("'" + node.text() + "' is not an absolute path (the Arc agent's key folder is "
                    + AzureBackendSettings.DEFAULT_ARC_KEY_FOLDER + ")");
        }
        return path.normalize();
    }

    private static URI https(ConfigNode node, String example) {
        URI uri = url(node);
        if (!"https".equals(uri.getScheme()) || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                && !uri.getRawPath().equals("/"))) {
            throw node.error("'" + node.text() + "' is not an https URL without a path (e.g. " + example + ")");
        }
        return URI.create("https://" + uri.getRawAuthority());
    }

    private static URI url(ConfigNode node) {
        return AwsBackendReader.httpUrl(node, "");
    }
}
