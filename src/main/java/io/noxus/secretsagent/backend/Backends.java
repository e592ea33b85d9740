package io.noxus.secretsagent.backend;

import io.noxus.secretsagent.backend.aws.AwsSecretsManagerBackend;
import io.noxus.secretsagent.backend.azure.AzureKeyVaultBackend;
import io.noxus.secretsagent.backend.file.FileBackend;
import io.noxus.secretsagent.backend.vault.VaultBackend;
import io.noxus.secretsagent.config.AwsBackendSettings;
import io.noxus.secretsagent.config.AzureBackendSettings;
import io.noxus.secretsagent.config.BackendSettings;
import io.noxus.secretsagent.config.FileBackendSettings;
import io.noxus.secretsagent.config.VaultBackendSettings;
import java.time.Clock;
import java.util.Map;

/** The one place that turns backend settings into backends. */
public final class Backends {
    private Backends() {
    }

    /** A backend for these settings, on this host's clock and environment (for variables a backend may read). */
    public static SecretBackend create(BackendSettings settings, Clock clock, Map<String, String> environment) {
        if (settings instanceof FileBackendSettings file) {
            return new FileBackend(file);
        }
        if (settings instanceof VaultBackendSettings vault) {
            return new VaultBackend(vault, clock, environment::get);
        }
        if (settings instanceof AwsBackendSettings aws) {
            return new AwsSecretsManagerBackend(aws, clock);
        }
        if (settings instanceof AzureBackendSettings azure) {
            return new AzureKeyVaultBackend(azure, clock, environment::get);
        }
        throw new IllegalStateException("no backend for type " + settings.type());
    }
}
