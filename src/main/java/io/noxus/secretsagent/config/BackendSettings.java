package io.noxus.secretsagent.config;

/** The settings of one configured backend; one record per backend type. */
public sealed interface BackendSettings permits FileBackendSettings, VaultBackendSettings, AwsBackendSettings,
        AzureBackendSettings {
    /** {@code max_concurrent_reads} when not set: the reads of one fetch in flight at a time (vault, azure). */
    int DEFAULT_CONCURRENT_READS = 4;
    /** The most {@code max_concurrent_reads} may be. */
    int MAX_CONCURRENT_READS = 16;

    /** The name references use: {@code NAME:path#field}. */
    String name();

    String type();
}
