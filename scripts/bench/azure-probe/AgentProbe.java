import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.azure.AzureKeyVaultBackend;
import io.noxus.secretsagent.config.AzureBackendSettings;
import io.noxus.secretsagent.secret.Reference;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * One client polls one secret N times in one JVM, then prints its live threads and RSS:
 *   java AgentProbe|SdkProbe N VAULT_URL AUTHORITY TENANT CA_FILE SECRET_FILE
 * SdkProbe: the Azure SDK (SecretClient + ClientSecretCredential on the JDK HttpClient transport; it trusts the test
 * CA through -Djavax.net.ssl.trustStore). AgentProbe: the agent's AzureKeyVaultBackend (ca_file). Both resolve the
 * vault name through -Djdk.net.hosts.file. Used by scripts/bench/azure-clients.sh.
 */
public final class AgentProbe {
    public static void main(String[] args) throws Exception {
        int polls = Integer.parseInt(args[0]);
        AzureBackendSettings settings = new AzureBackendSettings("azure", URI.create(args[1]),
                new AzureBackendSettings.ClientSecret(args[3], "bench", Path.of(args[5])), URI.create(args[2]),
                Optional.of(Path.of(args[4])), Duration.ofSeconds(10));
        try (AzureKeyVaultBackend backend = new AzureKeyVaultBackend(settings, Clock.systemUTC())) {
            Set<Reference> refs = Set.of(Reference.parse("azure:bench-s0"));
            for (int i = 0; i < polls; i++) {
                if (!(backend.fetch(refs).values().iterator().next() instanceof Fetched.Found)) {
                    throw new IllegalStateException("failed");
                }
            }
        }
        ProbeReport.print("agent", polls);
    }
}
