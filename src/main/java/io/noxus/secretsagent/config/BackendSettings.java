package io.noxus.secretsagent.config;

/** The settings of one configured backend; one record per backend type. */
public sealed interface BackendSettings permits FileBackendSettings, VaultBackendSettings, AwsBackendSettings,
        AzureBackendSettings {
    /** The name references use: {@code NAME:path#field}. */
    String name();

    String type();
}
