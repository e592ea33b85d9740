package io.noxus.secretsagent.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.noxus.secretsagent.testsupport.AzureTestServer;
import io.noxus.secretsagent.testsupport.Exec;
import io.noxus.secretsagent.testsupport.RealReaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test server's fidelity, proven by Microsoft's own clients: the pinned {@code azure-keyvault-secrets} and
 * {@code azure-identity} (.tools/azure-venv, scripts/install-test-tools.sh) run tools/azure-test-server/
 * conformance.py against it, inside a private mount namespace whose /etc/hosts is azure-test-hosts (real vault
 * and login names, the SDK's challenge-resource check on) and whose /var/opt/azcmagent/tokens is the server's Arc
 * key folder, trusting the test CA by SSL_CERT_FILE. Each check the
 * script makes is one test here; a check the script stops making fails here too.
 */
class AzureSdkConformanceIT {
    private static final List<String> CHECKS = List.of(
            "challenge_then_client_secret_token_then_get_latest",
            "client_certificate_assertion",
            "unregistered_certificate_is_refused",
            "wrong_client_secret_is_refused",
            "managed_identity_system_assigned",
            "managed_identity_user_assigned_by_client_id",
            "list_pages_of_at_most_25_with_next_link",
            "list_items_carry_tags",
            "national_cloud_vault_challenge_and_authority",
            "azure_arc_managed_identity",
            "versions_listed_and_got_by_id",
            "exp_and_nbf_attributes",
            "not_found_and_soft_deleted_are_404",
            "disabled_is_403_forbidden",
            "forbidden_by_rbac_for_other_names",
            "throttled_429_retry_after_is_honoured",
            "throttled_429_without_retries_is_an_error",
            "short_lived_tokens_are_refreshed",
            "server_refuses_assertion_with_right_thumbprint_but_another_key",
            "server_refuses_token_for_another_audience");

    private static final Map<String, Object> CONFIG = new HashMap<>();

    @RegisterExtension
    static final AzureTestServer AZURE = new AzureTestServer(CONFIG);

    private static final Map<String, String> OUTCOMES = new LinkedHashMap<>();
    private static String output = "";

    static {
        Map<String, Object> secrets = new LinkedHashMap<>();
        secrets.put("database-url", List.of(Map.of("value", "postgres://conformance", "contentType", "text/plain",
                "tags", Map.of("team", "platform"))));
        secrets.put("rotated", List.of(Map.of("value", "first"), Map.of("value", "second")));
        secrets.put("expiring", List.of(Map.of("value", "e", "exp", 1_900_000_000, "nbf", 1_600_000_000)));
        secrets.put("disabled", List.of(Map.of("value", "d", "enabled", false)));
        secrets.put("soft-deleted", List.of(Map.of("value", "s")));
        secrets.put("not-for-this-identity", List.of(Map.of("value", "n")));
        for (int i = 0; i < 50; i++) {
            secrets.put(String.format("bulk-%02d", i), List.of(Map.of("value", "bulk " + i)));
        }
        CONFIG.put("tenant", AzureTestServer.TENANT);
        CONFIG.put("vaults", List.of(AzureTestServer.VAULT));
        CONFIG.put("secrets", secrets);
        CONFIG.put("managed_identities", Map.of("system", Map.of("allow", List.of("*")),
                "mi-user", Map.of("allow", List.of("database-url"))));
        try {
            Path dir = Files.createTempDirectory("azure-conformance-certs-");
            Files.createDirectories(dir.resolve("arc-tokens"));
            CONFIG.put("arc", Map.of("key_folder", dir.resolve("arc-tokens").toString(), "allow", List.of("*")));
            Path registered = AzureTestServer.clientCertificate(dir, "sp-cert");
            AzureTestServer.clientCertificate(dir, "other");
            CONFIG.put("clients", Map.of("sp-secret", Map.of("secret", "conformance-client-secret"),
                    "sp-cert", Map.of("certificate", registered.resolveSibling("sp-cert.crt").toString())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void runTheSdkAgainstTheServer() throws Exception {
        Path python = RealReaders.repoRoot().resolve(".tools/azure-venv/bin/python");
        assertThat(python).as(".tools/azure-venv is missing: run scripts/install-test-tools.sh (installs "
                + "azure-keyvault-secrets and azure-identity), then run the tests again").isExecutable();
        assertThat(Path.of("/usr/bin/unshare")).as("unshare is missing: install util-linux").isExecutable();
        AZURE.deleteSecret("soft-deleted");
        Path dir = Path.of((String) ((Map<?, ?>) CONFIG.get("clients")).entrySet().stream()
                .map(e -> ((Map<?, ?>) e.getValue()).get("certificate")).filter(v -> v != null).findFirst()
                .orElseThrow()).getParent();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("https_port", AZURE.httpsPort());
        params.put("ca", AZURE.caFile().toString());
        params.put("tenant", AzureTestServer.TENANT);
        params.put("vault", AzureTestServer.VAULT);
        params.put("secret_client", "sp-secret");
        params.put("client_secret", "conformance-client-secret");
        params.put("cert_client", "sp-cert");
        params.put("cert_pem", dir.resolve("sp-cert.pem").toString());
        params.put("other_cert_pem", dir.resolve("other.pem").toString());
        params.put("mi_client", "mi-user");
        params.put("arc_endpoint", AZURE.arcEndpoint());
        params.put("secret_count", ((Map<?, ?>) CONFIG.get("secrets")).size() - 1);
        params.put("values", Map.of("database-url", "postgres://conformance", "rotated-versions",
                List.of("first", "second")));
        params.put("expiring_exp", 1_900_000_000);
        params.put("expiring_nbf", 1_600_000_000);
        String script = RealReaders.repoRoot().resolve("tools/azure-test-server/conformance.py").toString();
        // A private mount namespace: /etc/hosts is the tests' hosts file, and /var/opt/azcmagent/tokens (where MSAL's
        // Arc client insists on reading the key) the test server's key folder, for this process tree only. /var/opt
        // gets a private tmpfs first, so the real /var/opt is never written (azcmagent need not exist on the host).
        String inner = "mount --bind \"$1\" /etc/hosts && mount -t tmpfs -o mode=0755 noxus-arc /var/opt"
                + " && mkdir -p /var/opt/azcmagent/tokens && mount --bind \"$2\" /var/opt/azcmagent/tokens"
                + " && shift 2 && exec \"$@\"";
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("SSL_CERT_FILE", AZURE.caFile().toString());
        env.put("REQUESTS_CA_BUNDLE", AZURE.caFile().toString());
        env.put("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:" + AZURE.httpPort());
        Exec.Result run = Exec.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", inner, "sh",
                AzureTestServer.hostsFile().toString(), dir.resolve("arc-tokens").toString(), python.toString(), script,
                new ObjectMapper().writeValueAsString(params)), env, null);
        output = run.stdoutText() + "\n" + run.stderrText();
        Matcher line = Pattern.compile("(?m)^(ok|FAIL) ([a-z0-9_]+)(?:: (.*))?$").matcher(run.stdoutText());
        while (line.find()) {
            OUTCOMES.put(line.group(2), line.group(1).equals("ok") ? "ok" : line.group(3));
        }
    }

    @TestFactory
    Stream<DynamicTest> theOfficialPythonClientsPassEveryCheckAgainstTheTestServer() {
        return CHECKS.stream().map(check -> DynamicTest.dynamicTest(check, () -> assertThat(OUTCOMES.get(check))
                .as("conformance check %s; the run printed:%n%s", check, output).isEqualTo("ok")));
    }

    @TestFactory
    Stream<DynamicTest> noCheckRunsThatThisTestDoesNotName() {
        return Stream.of(DynamicTest.dynamicTest("known checks", () -> assertThat(OUTCOMES.keySet())
                .as(output).containsExactlyInAnyOrderElementsOf(CHECKS)));
    }
}
