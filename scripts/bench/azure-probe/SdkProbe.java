import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Azure SDK side of scripts/bench/azure-clients.sh: see AgentProbe for the arguments. */
public final class SdkProbe {
    public static void main(String[] args) throws Exception {
        int polls = Integer.parseInt(args[0]);
        HttpClient http = new JdkHttpClientBuilder().build();
        ClientSecretCredential credential = new ClientSecretCredentialBuilder().tenantId(args[3]).clientId("bench")
                .clientSecret(Files.readString(Path.of(args[5])).strip()).authorityHost(args[2])
                .disableInstanceDiscovery().httpClient(http).build();
        SecretClient secrets = new SecretClientBuilder().vaultUrl(args[1]).credential(credential).httpClient(http)
                .buildClient();
        for (int i = 0; i < polls; i++) {
            if (secrets.getSecret("bench-s0").getValue().isEmpty()) {
                throw new IllegalStateException("empty");
            }
        }
        ProbeReport.print("sdk", polls);
    }
}
