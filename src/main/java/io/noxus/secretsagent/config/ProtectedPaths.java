package io.noxus.secretsagent.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Files an output must never replace and folders it must never go into: the config file and its {@code conf.d}
 * folder (a {@code .yaml} written there would be read as config), every file a backend reads its secrets or
 * credentials from (the {@code file} backend's secrets file; Vault's token, role_id, secret_id, CA, client
 * certificate and key files; the AWS SDK's shared credentials and config files when an AWS backend is configured),
 * the state folder and the daemon's runtime folder.
 */
final class ProtectedPaths {
    private final Map<Path, String> files = new LinkedHashMap<>();
    private final Map<Path, String> folders = new LinkedHashMap<>();

    private final Map<String, String> environment;

    ProtectedPaths(AgentConfig config, Map<String, String> environment) {
        this.environment = environment;
        Path main = config.sources().get(0);
        files.put(main, "the config file");
        folders.put(main.getParent().resolve("conf.d"), "the config's conf.d folder");
        config.backends().values().forEach(this::addBackend);
        folders.put(config.stateDir(), "state_dir");
    }

    private void addBackend(BackendSettings settings) {
        String of = " of backend '" + settings.name() + "'";
        if (settings instanceof FileBackendSettings file) {
            files.put(file.path(), "the secrets file" + of);
        } else if (settings instanceof VaultBackendSettings vault) {
            vault.caFile().ifPresent(p -> files.put(p, "the CA file" + of));
            vault.clientCertificate().ifPresent(c -> {
                files.put(c.certFile(), "the client certificate" + of);
                files.put(c.keyFile(), "the client key" + of);
            });
            if (vault.auth() instanceof VaultBackendSettings.TokenAuth token) {
                token.file().ifPresent(p -> files.put(p, "the token file" + of));
            } else if (vault.auth() instanceof VaultBackendSettings.AppRoleAuth appRole) {
                files.put(appRole.roleIdFile(), "the role_id file" + of);
                files.put(appRole.secretIdFile(), "the secret_id file" + of);
            }
        } else if (settings instanceof AzureBackendSettings azure) {
            azure.caFile().ifPresent(p -> files.put(p, "the CA file" + of));
            if (azure.credential() instanceof AzureBackendSettings.ClientSecret secret) {
                files.put(secret.secretFile(), "the client secret file" + of);
            } else if (azure.credential() instanceof AzureBackendSettings.ClientCertificate cert) {
                files.put(cert.certificateFile(), "the client certificate file" + of);
            }
        } else if (settings instanceof AwsBackendSettings) {
            Path home = Path.of(System.getProperty("user.home"));
            files.put(sdkFile("AWS_SHARED_CREDENTIALS_FILE", home.resolve(".aws/credentials")),
                    "the AWS shared credentials file" + of);
            files.put(sdkFile("AWS_CONFIG_FILE", home.resolve(".aws/config")), "the AWS shared config file" + of);
        }
    }

    private Path sdkFile(String variable, Path fallback) {
        return Optional.ofNullable(environment.get(variable)).filter(v -> !v.isBlank())
                .map(v -> Path.of(v).toAbsolutePath().normalize()).orElse(fallback);
    }

    /** The files a backend reads secrets or credentials from, with what each is (not the config file). */
    static Map<Path, String> credentialFiles(AgentConfig config, Map<String, String> environment) {
        Map<Path, String> files = new LinkedHashMap<>(new ProtectedPaths(config, environment).files);
        files.remove(config.sources().get(0));
        return files;
    }

    /** Refuses an output that is one of the protected files or lies inside a protected folder. */
    void refuse(OutputSpec output) {
        Path path = output.path();
        String what = files.get(path);
        if (what != null) {
            throw new ConfigException(output.location() + ": " + path + " is " + what
                    + "; an output must never replace it: choose another path");
        }
        folders.forEach((folder, name) -> {
            if (path.startsWith(folder)) {
                throw new ConfigException(output.location() + ": " + path + " is inside " + name + " (" + folder
                        + "); outputs may not go there: choose a path outside it");
            }
        });
    }
}
