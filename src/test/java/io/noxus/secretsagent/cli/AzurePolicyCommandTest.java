package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policy azure}: Key Vault Secrets User role assignments derived from the config's azure references. */
class AzurePolicyCommandTest {
    private static final String SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
    private static final String KV = "/providers/Microsoft.KeyVault/vaults/";

    @TempDir
    Path dir;
    private Path config;

    @BeforeEach
    void setUp() throws IOException {
        PrivateFiles.write(dir, "client-secret", "policy-test-secret\n");
        config = PrivateFiles.write(dir, "config.yaml", """
                roots: [out]
                state_dir: out/.state
                backends:
                  azsecret: {type: azure-key-vault, vault_url: "https://noxus-prod.vault.azure.net",
                    client_secret: {tenant_id: 72f988bf-86f1-41af-91ab-2d7cd011db47, client_id: app-1234,
                                    secret_file: client-secret}}
                  azmi: {type: azure-key-vault, vault_url: "https://noxus-workers.vault.azure.net",
                    managed_identity: {}}
                services:
                  backend: {role: backend, output: {path: out/backend.env, format: systemd}}
                  worker-finance: {role: worker, pool: finance, output: {path: out/worker-finance.env, format: dotenv}}
                main_env: {output: {path: out/env.vm, format: shell}}
                mappings:
                  - {env: DATABASE_URL, ref: "azsecret:database-url", scope: "service:backend"}
                  - {env: OPENAI_KEY, ref: "azsecret:Platform#openai_key", scope: "service:backend"}
                  - {env: SENTRY_DSN, ref: "azsecret:platform#sentry_dsn", scope: "service:backend"}
                  - {env: BANK_KEY, ref: "azsecret:bank-key?version=0f1e2d3c4b5a69788796a5b4c3d2e1f0", scope: "pool:finance"}
                  - {bulk: "azmi:workers-*", prefix: W_, transform: upper, scope: workers}
                """);
    }

    @Test
    void printsOneSecretScopeAssignmentPerSecretAndAVaultScopeOneForABulkPrefix() {
        InProcess.Run run = InProcess.run(TestHosts.quiet(), "policy", "azure", "--subscription", SUB,
                "--resource-group", "rg-noxus", "-c", config.toString());
        assertThat(run.exit()).as(run.all()).isZero();
        String at = "/subscriptions/" + SUB + "/resourceGroups/rg-noxus" + KV;
        assertThat(run.out()).isEqualTo("""
                # Key Vault Secrets User on each secret this config reads (az CLI)
                # <principal-id-of-the-system-assigned-identity>: the host's system-assigned identity \
                (az vm identity show / az connectedmachine show --query identity.principalId)
                # secret scope: the identity cannot list the vault, so the agent gets each secret every cycle \
                instead of one list page per 25 (docs/backend-azure.md)

                # backend azmi: azmi:workers-* -> W_*
                # vault scope: a bulk mapping (name prefix or tag) lists the vault, which needs the role on the vault; \
                it covers the vault's other secrets too
                az role assignment create --assignee "<principal-id-of-the-system-assigned-identity>" --role "Key Vault Secrets User" --scope "{AT}noxus-workers"

                # backend azsecret: azsecret:database-url -> DATABASE_URL
                az role assignment create --assignee "app-1234" --role "Key Vault Secrets User" --scope "{AT}noxus-prod/secrets/database-url"

                # backend azsecret: azsecret:Platform, azsecret:platform -> OPENAI_KEY, SENTRY_DSN
                az role assignment create --assignee "app-1234" --role "Key Vault Secrets User" --scope "{AT}noxus-prod/secrets/platform"

                # backend azsecret: azsecret:bank-key?version=0f1e2d3c4b5a69788796a5b4c3d2e1f0 -> BANK_KEY
                az role assignment create --assignee "app-1234" --role "Key Vault Secrets User" --scope "{AT}noxus-prod/secrets/bank-key"
                """.replace("{AT}", at));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void anUnknownSubscriptionAndResourceGroupArePrintedAsMarkedPlaceholders() {
        InProcess.Run run = InProcess.run(TestHosts.quiet(), "policy", "azure", "--service", "backend", "-c",
                config.toString());
        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.out()).startsWith("""
                # Key Vault Secrets User on each secret this config reads (az CLI)
                # <subscription-id>: not known here; pass --subscription ID or replace it
                # <resource-group>: the vault's resource group, not known here; pass --resource-group NAME or replace it
                """).contains("--scope \"/subscriptions/<subscription-id>/resourceGroups/<resource-group>" + KV
                + "noxus-prod/secrets/database-url\"")
                // --service backend: no finance or worker secret
                .doesNotContain("bank-key").doesNotContain("noxus-workers");
    }

    @Test
    void outputJsonListsTheAssignmentsTheRoleIdAndThePlaceholdersLeft() throws IOException {
        InProcess.Run run = InProcess.run(TestHosts.quiet(), "policy", "azure", "--output", "json", "--service",
                "worker-finance", "--subscription", SUB, "-c", config.toString());
        assertThat(run.exit()).as(run.all()).isZero();
        JsonNode tree = new ObjectMapper().readTree(run.out());
        assertThat(tree.toString()).isEqualTo(("{\"role\":\"Key Vault Secrets User\","
                + "\"role_definition_id\":\"4633458b-17de-408a-b874-0445c86b69e6\","
                + "\"placeholders\":[\"<resource-group>\",\"<principal-id-of-the-system-assigned-identity>\"],"
                + "\"assignments\":[{\"backend\":\"azmi\",\"assignee\":\"<principal-id-of-the-system-assigned-identity>\","
                + "\"scope\":\"{AT}noxus-workers\",\"scope_kind\":\"vault\",\"references\":[\"azmi:workers-*\"],"
                + "\"feeds\":[\"W_*\"]},"
                + "{\"backend\":\"azsecret\",\"assignee\":\"app-1234\",\"scope\":\"{AT}noxus-prod/secrets/bank-key\","
                + "\"scope_kind\":\"secret\",\"references\":[\"azsecret:bank-key?version=0f1e2d3c4b5a69788796a5b4c3d2e1f0\"],"
                + "\"feeds\":[\"BANK_KEY\"]}]}").replace("{AT}", "/subscriptions/" + SUB + "/resourceGroups/<resource-group>" + KV));
    }

    @Test
    void aBulkMappingByTagListsTheVaultSoItsBackendGetsOneVaultScopeAssignment() throws IOException {
        PrivateFiles.write(dir, "config.yaml", java.nio.file.Files.readString(config).replace("  - {bulk: \"azmi:",
                "  - {bulk: \"azsecret:*?tag=pool=finance\", transform: upper, scope: \"pool:finance\"}\n"
                        + "  - {bulk: \"azmi:"));
        InProcess.Run run = InProcess.run(TestHosts.quiet(), "policy", "azure", "--output", "json", "--subscription",
                SUB, "--resource-group", "rg-noxus", "-c", config.toString());
        assertThat(run.exit()).as(run.all()).isZero();
        JsonNode azsecret = null;
        for (JsonNode a : new ObjectMapper().readTree(run.out()).get("assignments")) {
            if (a.get("backend").asText().equals("azsecret")) {
                assertThat(azsecret).as("one assignment for the backend").isNull();
                azsecret = a;
            }
        }
        assertThat(azsecret).isNotNull();
        assertThat(azsecret.get("scope_kind").asText()).isEqualTo("vault");
        assertThat(azsecret.get("scope").asText()).isEqualTo("/subscriptions/" + SUB + "/resourceGroups/rg-noxus" + KV
                + "noxus-prod");
        assertThat(azsecret.get("references").toString()).contains("azsecret:*?tag=pool=finance",
                "azsecret:database-url");
    }

    @Test
    void azureOptionsAreRefusedForOtherKindsAndMalformedIdsAreRefused() {
        InProcess.Run vault = InProcess.run(TestHosts.quiet(), "policy", "vault", "--subscription", SUB, "-c",
                config.toString());
        assertThat(vault.exit()).isNotZero();
        assertThat(vault.err()).contains("--subscription, --resource-group and --output are for policy azure");
        InProcess.Run bad = InProcess.run(TestHosts.quiet(), "policy", "azure", "--subscription", "prod", "-c",
                config.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("--subscription takes a subscription id (a GUID)");
        InProcess.Run group = InProcess.run(TestHosts.quiet(), "policy", "azure", "--resource-group", "rg;rm -rf",
                "-c", config.toString());
        assertThat(group.err()).contains("--resource-group takes a resource group name");
    }
}
