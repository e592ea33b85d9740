package io.noxus.secretsagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.testsupport.AzureTestServer;
import io.noxus.secretsagent.testsupport.Exec;
import io.noxus.secretsagent.testsupport.KubeTools;
import io.noxus.secretsagent.testsupport.ManualClock;
import io.noxus.secretsagent.testsupport.TestHosts;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code render} of a config that mixes {@code file:} and {@code azure:} references, through the CLI, against the
 * Key Vault + Entra test server: one backend per credential type (client secret, client certificate, managed
 * identity), a JSON key, bulk mappings by name prefix (disabled secrets left out) and by tag, the request count of
 * a render, and a failing secret that fails only its output, keeps the previous bytes and shows no value anywhere.
 */
class AzureRenderIT {
    private static final String CANARY = "canary-AzR3nd3r";
    private static final Map<String, Object> SERVER = new LinkedHashMap<>();
    private static final Path CERTS;
    private static final Instant SET = Instant.parse("2025-06-15T14:13:20Z");
    private static final Instant NOW = SET.plus(Duration.ofDays(100).plusHours(12));

    static {
        try {
            CERTS = Files.createTempDirectory("azure-render-it-");
            Path pem = AzureTestServer.clientCertificate(CERTS, "sp-cert");
            SERVER.put("tenant", AzureTestServer.TENANT);
            SERVER.put("vaults", List.of(AzureTestServer.VAULT));
            SERVER.put("clients", Map.of("sp-secret", Map.of("secret", "render-it-secret"),
                    "sp-cert", Map.of("certificate", pem.resolveSibling("sp-cert.crt").toString())));
            Files.createDirectories(CERTS.resolve("arc-tokens"));
            SERVER.put("arc", Map.of("key_folder", CERTS.resolve("arc-tokens").toString(), "allow", List.of("signing-key")));
            SERVER.put("managed_identities", Map.of("system", Map.of("allow", List.of("*"))));
            Map<String, Object> secrets = new LinkedHashMap<>(Map.of(
                    "database-url", List.of(Map.of("value", CANARY + "-postgres://db/noxus")),
                    "platform", List.of(Map.of("value", "{\"openai_key\": \"" + CANARY + "-sk\"}")),
                    "signing-key", List.of(Map.of("value", CANARY + "-sig")),
                    "bank-api-key", List.of(Map.of("value", CANARY + "-bank")),
                    "workers-etl-db", List.of(Map.of("value", CANARY + "-etl")),
                    "Workers-OpenAI-Key", List.of(Map.of("value", CANARY + "-oai")),
                    "workers-retired", List.of(Map.of("value", CANARY + "-old", "enabled", false)),
                    "openai-key", List.of(Map.of("value", CANARY + "-oa", "created", SET.getEpochSecond())),
                    "cert-password", List.of(Map.of("value", CANARY + "-cp", "created",
                            NOW.minus(Duration.ofDays(10)).getEpochSecond(), "exp",
                            NOW.plus(Duration.ofDays(3)).getEpochSecond())),
                    "old-token", List.of(Map.of("value", CANARY + "-ot", "created", SET.getEpochSecond(), "exp",
                            NOW.minus(Duration.ofDays(2)).getEpochSecond()))));
            secrets.put("ledger-url", List.of(Map.of("value", CANARY + "-ledger", "tags", Map.of("pool", "finance"))));
            secrets.put("FX-Rates-Key", List.of(Map.of("value", CANARY + "-fx", "tags", Map.of("pool", "finance"))));
            SERVER.put("secrets", secrets);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final AzureTestServer AZURE = new AzureTestServer(SERVER);

    @TempDir
    Path dir;
    private Path config;

    @BeforeEach
    void setUp() throws IOException {
        PrivateFiles.write(dir, "client-secret", "render-it-secret\n");
        PrivateFiles.write(dir, "secrets.yaml", "REDIS_PASSWORD: \"" + CANARY + "-redis\"\n");
        String common = "vault_url: " + AZURE.vaultUrl() + ", ca_file: " + AZURE.caFile() + ", authority_host: "
                + AZURE.authorityHost();
        config = PrivateFiles.write(dir, "config.yaml", """
                roots: [out]
                state_dir: out/.state
                backends:
                  file: {type: file, path: secrets.yaml}
                  azsecret: {type: azure-key-vault, COMMON,
                    client_secret: {tenant_id: TENANT, client_id: sp-secret, secret_file: client-secret}}
                  azcert: {type: azure-key-vault, COMMON,
                    client_certificate: {tenant_id: TENANT, client_id: sp-cert, certificate_file: CERT}}
                  azmi: {type: azure-key-vault, COMMON, managed_identity: {endpoint: "IMDS"}}
                services:
                  backend: {role: backend, output: {path: out/backend.env, format: systemd}}
                  worker-finance: {role: worker, pool: finance, output: {path: out/worker-finance.env, format: dotenv}}
                main_env: {output: {path: out/env.vm, format: shell}}
                mappings:
                  - {env: REDIS_PASSWORD, ref: "file:REDIS_PASSWORD", scope: global}
                  - {env: DATABASE_URL, ref: "azsecret:database-url", scope: "service:backend"}
                  - {env: OPENAI_KEY, ref: "azcert:platform#openai_key", scope: "service:backend"}
                  - {env: SIGNING_KEY, ref: "azmi:signing-key", scope: "service:backend"}
                  - {env: BANK_API_KEY, ref: "azsecret:bank-api-key", scope: "pool:finance"}
                  - {bulk: "azsecret:workers-*", prefix: W_, transform: upper, scope: workers}
                """.replace("COMMON", common).replace("TENANT", AzureTestServer.TENANT)
                .replace("CERT", CERTS.resolve("sp-cert.pem").toString()).replace("IMDS", AZURE.imdsEndpoint()));
        AZURE.putSecret("bank-api-key", Map.of("value", CANARY + "-bank", "enabled", true));
        AZURE.resetRequests();
    }

    @Test
    void rendersFileAndAzureReferencesThroughEachCredentialType() throws IOException {
        InProcess.Run run = render();

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(vars("backend.env")).isEqualTo("DATABASE_URL=\"" + CANARY + "-postgres://db/noxus\"\n"
                + "OPENAI_KEY=\"" + CANARY + "-sk\"\nREDIS_PASSWORD=\"" + CANARY + "-redis\"\nSIGNING_KEY=\""
                + CANARY + "-sig\"\n");
        assertThat(vars("worker-finance.env")).isEqualTo("BANK_API_KEY=\"" + CANARY + "-bank\"\n"
                + "REDIS_PASSWORD=\"" + CANARY + "-redis\"\nW_ETL_DB=\"" + CANARY + "-etl\"\nW_OPENAI_KEY=\"" + CANARY
                + "-oai\"\n");
        assertThat(run.all()).doesNotContain(CANARY);
        // per backend: challenge, token, its gets (azsecret: two secrets, one list page, the two enabled workers-*)
        assertThat(AZURE.requests()).filteredOn(r -> r.path().endsWith("/token") || r.path().contains("/metadata/"))
                .extracting(AzureTestServer.Request::identity)
                .containsExactlyInAnyOrder("sp-secret", "sp-cert", "mi:system");
        assertThat(AZURE.requests()).filteredOn(AzureTestServer.Request::isVault).hasSize(3 + 4 + 1 + 2);
    }

    @Test
    void aDisabledSecretFailsOnlyItsOutputKeepsThePreviousBytesAndLeaksNothing() throws IOException {
        assertThat(render().exit()).isZero();
        String worker = read("worker-finance.env");
        AZURE.patchSecret("bank-api-key", Map.of("enabled", false));
        PrivateFiles.write(dir, "secrets.yaml", "REDIS_PASSWORD: \"" + CANARY + "-redis-2\"\n");

        InProcess.Run run = render("--diff");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("worker-finance", "FAILED, previous content kept",
                "azsecret:bank-api-key: secret bank-api-key is disabled in vault " + AZURE.vaultUrl());
        assertThat(read("worker-finance.env")).isEqualTo(worker);
        assertThat(read("backend.env")).contains(CANARY + "-redis-2");
        assertThat(run.all()).doesNotContain(CANARY).doesNotContain("render-it-secret");
    }

    @Test
    void checkRotationShowsEachAzureSecretsAgeFromItsCreationAndItsExpiry() throws IOException {
        Path rotation = PrivateFiles.write(dir, "rotation.yaml", Files.readString(config).replaceFirst(
                "(?s)mappings:.*", "mappings:\n"
                        + "  - {env: OPENAI_API_KEY, ref: \"azsecret:openai-key\", scope: \"service:backend\"}\n"
                        + "  - {env: CERT_PASSWORD, ref: \"azsecret:cert-password\", scope: \"service:backend\"}\n"
                        + "  - {env: OLD_TOKEN, ref: \"azsecret:old-token\", scope: \"service:backend\"}\n"));
        InProcess.Run text = InProcess.runHiding(CANARY, TestHosts.on(ManualClock.at(NOW)), "check", "--rotation",
                "-c", rotation.toString());
        assertThat(text.exit()).as(text.all()).isEqualTo(1);
        assertThat(text.out()).isEqualTo("""
                REFERENCE               FEEDS           SERVICES  SET         AGE    POLICY          STATUS
                azsecret:openai-key     OPENAI_API_KEY  backend   2025-06-15  100 d  90 d (warn 14)  overdue by 10 d
                azsecret:cert-password  CERT_PASSWORD   backend   2025-09-14  10 d   90 d (warn 14)  expires in 3 d
                azsecret:old-token      OLD_TOKEN       backend   2025-06-15  100 d  90 d (warn 14)  expired 2 d ago
                """);
        InProcess.Run json = InProcess.runHiding(CANARY, TestHosts.on(ManualClock.at(NOW)), "check", "--rotation",
                "--output", "json", "-c", rotation.toString());
        assertThat(json.exit()).isEqualTo(1);
        JsonNode rows = new ObjectMapper().readTree(json.out()).path("references");
        assertThat(rows.get(1).path("set_at").asText()).isEqualTo("2025-09-14T02:13:20Z");
        assertThat(rows.get(1).path("expires_at").asText()).isEqualTo("2025-09-27T02:13:20Z");
        assertThat(rows.get(2).path("state").asText()).isEqualTo("expired");
        assertThat(rows.get(2).path("expires_at").asText()).isEqualTo("2025-09-22T02:13:20Z");
        // the ages came with the gets a check makes anyway: no list, no other request per secret
        assertThat(AZURE.requests()).filteredOn(AzureTestServer.Request::isVault).extracting(
                AzureTestServer.Request::path).containsOnly("/secrets/openai-key", "/secrets/cert-password",
                "/secrets/old-token");
    }

    @Test
    void rendersThroughAnAzureArcIdentityWhoseEndpointComesFromTheHostEnvironment() throws IOException {
        Path tokens = CERTS.resolve("arc-tokens");
        Path arcConfig = PrivateFiles.write(dir, "arc.yaml", """
                roots: [out]
                state_dir: out/.state
                backends:
                  azarc: {type: azure-key-vault, vault_url: VAULT, ca_file: CA, managed_identity: {arc: true, arc_key_folder: TOKENS}}
                services:
                  backend: {role: backend, output: {path: out/backend.env, format: systemd}}
                main_env: {output: {path: out/env.vm, format: shell}}
                mappings:
                  - {env: SIGNING_KEY, ref: "azarc:signing-key", scope: "service:backend"}
                """.replace("VAULT", AZURE.vaultUrl()).replace("CA", AZURE.caFile().toString())
                .replace("TOKENS", tokens.toString()));
        ManualClock clock = new ManualClock();
        io.noxus.secretsagent.app.Host host = new io.noxus.secretsagent.app.Host(clock, clock::sleep,
                (argv, timeout) -> {
                    throw new AssertionError("no process in this test: " + argv);
                }, Map.of("IDENTITY_ENDPOINT", AZURE.arcEndpoint(), "IMDS_ENDPOINT", "http://localhost:1"), "");

        InProcess.Run run = InProcess.runHiding(CANARY, host, "render", "--no-act", "-c", arcConfig.toString());

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(vars("backend.env")).isEqualTo("SIGNING_KEY=\"" + CANARY + "-sig\"\n");
        assertThat(AZURE.requests()).filteredOn(r -> r.path().startsWith("/metadata/"))
                .extracting(AzureTestServer.Request::status).containsExactly(401, 200);
    }

    @Test
    void aBulkMappingByTagNamesEachVariableAfterItsSecretAndCheckRejectsAVariableItMapsTwice() throws IOException {
        String tagged = "  - {bulk: \"azsecret:*?tag=pool=finance\", transform: upper, scope: \"pool:finance\"}\n";
        config = PrivateFiles.write(dir, "config.yaml", Files.readString(config).replaceFirst("(?s)mappings:.*",
                "mappings:\n" + tagged));
        assertThat(render().exit()).isZero();
        assertThat(vars("worker-finance.env")).isEqualTo("FX_RATES_KEY=\"" + CANARY + "-fx\"\nLEDGER_URL=\"" + CANARY
                + "-ledger\"\n");

        Path twice = PrivateFiles.write(dir, "twice.yaml", Files.readString(config).replaceFirst("(?s)mappings:.*",
                "mappings:\n" + tagged + "  - {env: LEDGER_URL, ref: \"azsecret:ledger-url\", scope: \"pool:finance\"}\n"));
        // check asks systemctl about the units (host checks): answer as a host without systemd
        InProcess.Run check = InProcess.runHiding(CANARY, TestHosts.on(new ManualClock(),
                (argv, timeout) -> new io.noxus.secretsagent.action.CommandRunner.Result(1, "", false)), "check", "--backends", "-c",
                twice.toString());
        assertThat(check.exit()).as(check.all()).isEqualTo(1);
        assertThat(check.all()).contains("variable LEDGER_URL is mapped twice at the same level for service "
                + "worker-finance", "mappings[0]", "mappings[1]").doesNotContain(CANARY);
    }

    @Test
    void exportKubernetesWritesAnAzureKvStorePerBackendAndNamesEachKeyVaultSecret() throws IOException {
        String pin = AZURE.putSecret("signing-key", Map.of("value", CANARY + "-sig"));
        String gov = "  azgov: {type: azure-key-vault, vault_url: " + AZURE.vaultUrl("vault.usgovcloudapi.net")
                + ", authority_host: AUTHORITY, client_secret: {tenant_id: " + AzureTestServer.TENANT
                + ", client_id: sp-secret, secret_file: client-secret}}\n";
        String base = Files.readString(config).replace("services:\n",
                gov.replace("AUTHORITY", AZURE.authorityHost("login.microsoftonline.us")) + "services:\n")
                .replaceFirst("(?s)mappings:.*", "mappings:\n"
                + "  - {env: DATABASE_URL, ref: \"azsecret:database-url\", scope: \"service:backend\"}\n"
                + "  - {env: OPENAI_KEY, ref: \"azcert:platform#openai_key\", scope: \"service:backend\"}\n"
                + "  - {env: SIGNING_KEY, ref: \"azmi:signing-key?version=" + pin + "\", scope: \"service:backend\"}\n"
                + "  - {env: GOV_URL, ref: \"azgov:database-url\", scope: \"service:backend\"}\n"
                + "  - {bulk: \"azsecret:workers-*\", prefix: W_, transform: upper, scope: workers}\n"
                + "  - {bulk: \"azsecret:*?tag=pool=finance\", transform: upper, scope: \"pool:finance\"}\n");
        Path export = PrivateFiles.write(dir, "export.yaml", base);
        Path out = dir.resolve("k8s");
        InProcess.Run run = InProcess.run("export", "kubernetes", "-c", export.toString(), "--output-dir",
                out.toString(), "--namespace", "noxus", "--service-account", "eso-reader");
        assertThat(run.exit()).as(run.all()).isZero();

        List<Path> manifests;
        try (var files = Files.list(out)) {
            manifests = files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("values-noxus.yaml"))
                    .sorted().toList();
        }
        Exec.Result check = KubeTools.kubecheck(manifests);
        assertThat(check.exitCode()).as(check.stderrText()).isZero();
        assertThat(check.stdoutText()).contains("SecretStore noxus-azsecret", "SecretStore noxus-azcert",
                "SecretStore noxus-azmi", "SecretStore noxus-azgov", "ExternalSecret noxus-worker-finance");
        StringBuilder all = new StringBuilder(run.all());
        for (Path f : manifests) {
            all.append(Files.readString(f));
        }
        assertThat(all.toString()).doesNotContain(CANARY).doesNotContain("render-it-secret");

        JsonNode sp = yaml(out.resolve("secretstore-noxus-azsecret.yaml")).at("/spec/provider/azurekv");
        assertThat(sp.get("vaultUrl").asText()).isEqualTo(AZURE.vaultUrl());
        assertThat(sp.get("environmentType").asText()).isEqualTo("PublicCloud");
        assertThat(sp.get("authType").asText()).isEqualTo("ServicePrincipal");
        assertThat(sp.get("tenantId").asText()).isEqualTo(AzureTestServer.TENANT);
        assertThat(sp.at("/authSecretRef/clientId").toString()).isEqualTo("{\"name\":\"noxus-azsecret-sp\",\"key\":\"ClientID\"}");
        assertThat(sp.at("/authSecretRef/clientSecret").toString())
                .isEqualTo("{\"name\":\"noxus-azsecret-sp\",\"key\":\"ClientSecret\"}");
        assertThat(yaml(out.resolve("secretstore-noxus-azcert.yaml")).at("/spec/provider/azurekv/authSecretRef/"
                + "clientCertificate/key").asText()).isEqualTo("ClientCertificate");
        JsonNode mi = yaml(out.resolve("secretstore-noxus-azmi.yaml")).at("/spec/provider/azurekv");
        assertThat(mi.get("authType").asText()).isEqualTo("WorkloadIdentity");
        assertThat(mi.at("/serviceAccountRef/name").asText()).isEqualTo("eso-reader");
        assertThat(yaml(out.resolve("secretstore-noxus-azgov.yaml")).at("/spec/provider/azurekv/environmentType")
                .asText()).isEqualTo("USGovernmentCloud");

        Map<String, String> backend = remoteRefs(out.resolve("externalsecret-noxus-backend.yaml"));
        assertThat(backend).containsEntry("DATABASE_URL", "{\"key\":\"secret/database-url\"}")
                .containsEntry("OPENAI_KEY", "{\"key\":\"secret/platform\",\"property\":\"openai_key\"}")
                .containsEntry("SIGNING_KEY", "{\"key\":\"secret/signing-key\",\"version\":\"" + pin + "\"}")
                .containsEntry("GOV_URL", "{\"key\":\"secret/database-url\"}");
        // bulk variables name the secret their field came from ('_' back to '-'; Key Vault ignores case)
        assertThat(remoteRefs(out.resolve("externalsecret-noxus-worker-finance.yaml"))).isEqualTo(Map.of(
                "W_ETL_DB", "{\"key\":\"secret/workers-etl-db\"}",
                "W_OPENAI_KEY", "{\"key\":\"secret/workers-openai-key\"}",
                "LEDGER_URL", "{\"key\":\"secret/ledger-url\"}",
                "FX_RATES_KEY", "{\"key\":\"secret/fx-rates-key\"}"));

        Path mixed = PrivateFiles.write(dir, "mixed.yaml", base.replace(
                AZURE.authorityHost("login.microsoftonline.us"), AZURE.authorityHost()));
        InProcess.Run refused = InProcess.run("export", "kubernetes", "-c", mixed.toString(), "--output-dir",
                dir.resolve("k8s-mixed").toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("backends.azgov.authority_host", "USGovernmentCloud");
    }

    private static JsonNode yaml(Path file) throws IOException {
        return new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(file.toFile());
    }

    /** An ExternalSecret's data: each secretKey with its remoteRef as JSON. */
    private static Map<String, String> remoteRefs(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        yaml(file).at("/spec/data").forEach(d -> out.put(d.get("secretKey").asText(), d.get("remoteRef").toString()));
        return out;
    }

    private InProcess.Run render(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "render";
        args[1] = "--no-act";
        args[2] = "-c";
        args[3] = config.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return InProcess.run(args);
    }

    private String vars(String name) throws IOException {
        return read(name).replaceFirst("^# Managed by noxus-secrets-agent[^\n]*\n", "");
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve("out").resolve(name), StandardCharsets.UTF_8);
    }
}
