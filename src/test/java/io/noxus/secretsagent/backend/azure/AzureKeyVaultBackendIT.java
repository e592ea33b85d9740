package io.noxus.secretsagent.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.SecretDocument;
import io.noxus.secretsagent.config.AzureBackendSettings;
import io.noxus.secretsagent.config.AzureBackendSettings.Credential;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.testsupport.AzureTestServer;
import io.noxus.secretsagent.testsupport.ManualClock;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The azure-key-vault backend against the Key Vault + Entra test server (whose fidelity AzureSdkConformanceIT proves). */
class AzureKeyVaultBackendIT {
    private static final String CANARY = "canary-Zx81-value-never-in-a-message";
    private static final String CLIENT_SECRET = "it-client-secret-Qq7";
    private static final Map<String, Object> CONFIG = new LinkedHashMap<>();
    private static final Path DIR;
    private static final Instant SET_AT = Instant.parse("2025-06-15T14:13:20Z");
    private static final Instant EXP = Instant.parse("2099-01-01T00:00:00Z");

    static {
        try {
            DIR = Files.createTempDirectory("azure-backend-it-");
            Path pem = AzureTestServer.clientCertificate(DIR, "sp-cert");
            AzureTestServer.clientCertificate(DIR, "stranger");
            Files.writeString(DIR.resolve("client-secret"), CLIENT_SECRET + "\n");
            Files.writeString(DIR.resolve("wrong-secret"), "not-it\n");
            Map<String, Object> secrets = new LinkedHashMap<>();
            IntStream.range(0, 50).forEach(i -> secrets.put(String.format("bulk-%02d", i),
                    List.of(Map.of("value", CANARY + "-bulk-" + i))));
            // tags for the bulk-by-tag tests: two finance secrets among the fifty, one general, one disabled
            secrets.put("bulk-03", List.of(Map.of("value", CANARY + "-bulk-3", "tags", Map.of("pool", "finance"))));
            secrets.put("bulk-47", List.of(Map.of("value", CANARY + "-bulk-47", "tags", Map.of("pool", "finance",
                    "env", "prod"))));
            secrets.put("bulk-05", List.of(Map.of("value", CANARY + "-bulk-5", "tags", Map.of("pool", "general"))));
            secrets.put("database-url", List.of(Map.of("value", CANARY + "-db")));
            secrets.put("platform", List.of(Map.of("value", "{\"api_key\": \"" + CANARY + "-key\", \"port\": 5432}")));
            secrets.put("pinned", List.of(Map.of("value", CANARY + "-old"), Map.of("value", CANARY + "-new")));
            secrets.put("disabled", List.of(Map.of("value", CANARY + "-d", "enabled", false, "tags",
                    Map.of("pool", "finance"))));
            secrets.put("expired", List.of(Map.of("value", CANARY + "-e", "exp", 1_000_000_000)));
            secrets.put("aged", List.of(Map.of("value", CANARY + "-aged", "created", SET_AT.getEpochSecond(),
                    "exp", EXP.getEpochSecond())));
            secrets.put("not-yet", List.of(Map.of("value", CANARY + "-n", "nbf", 4_000_000_000L)));
            CONFIG.put("tenant", AzureTestServer.TENANT);
            CONFIG.put("vaults", List.of(AzureTestServer.VAULT));
            CONFIG.put("secrets", secrets);
            CONFIG.put("clients", Map.of("sp-secret", Map.of("secret", CLIENT_SECRET),
                    "sp-cert", Map.of("certificate", pem.resolveSibling("sp-cert.crt").toString())));
            Files.createDirectories(DIR.resolve("arc-tokens"));
            Files.createDirectories(DIR.resolve("elsewhere"));
            CONFIG.put("arc", Map.of("key_folder", DIR.resolve("arc-tokens").toString(), "allow", List.of("*")));
            CONFIG.put("managed_identities", Map.of("system", Map.of("allow", List.of("*")),
                    "mi-user", Map.of("allow", List.of("database-url"))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static final AzureTestServer AZURE = new AzureTestServer(CONFIG);

    @BeforeEach
    void countFromHere() {
        AZURE.resetRequests();
    }

    private static Credential clientSecret(String file) {
        return new AzureBackendSettings.ClientSecret(AzureTestServer.TENANT, "sp-secret", DIR.resolve(file));
    }

    private static AzureBackendSettings settings(Credential credential) {
        return new AzureBackendSettings("azure", URI.create(AZURE.vaultUrl()), credential,
                URI.create(AZURE.authorityHost()), Optional.of(AZURE.caFile()), Duration.ofSeconds(10));
    }

    private static AzureKeyVaultBackend backend(Credential credential, Clock clock) {
        return new AzureKeyVaultBackend(settings(credential), clock);
    }

    private static Set<Reference> refs(String... paths) {
        Set<Reference> out = new LinkedHashSet<>();
        for (String path : paths) {
            out.add(new Reference("azure", path, Optional.empty()));
        }
        return out;
    }

    private static String value(Map<Reference, Fetched> fetched, String path) {
        Fetched f = fetched.get(new Reference("azure", path, Optional.empty()));
        assertThat(f).as(path).isInstanceOf(Fetched.Found.class);
        return ((Fetched.Found) f).document().whole().orElseThrow().text().orElseThrow();
    }

    private static BackendException failure(Map<Reference, Fetched> fetched, String path) {
        Fetched f = fetched.get(new Reference("azure", path, Optional.empty()));
        assertThat(f).as(path).isInstanceOf(Fetched.Failed.class);
        BackendException e = ((Fetched.Failed) f).failure();
        assertThat(e.getMessage()).contains("azure:" + path).doesNotContain(CANARY).doesNotContain(CLIENT_SECRET);
        return e;
    }

    private static String[] bulk() {
        return IntStream.range(0, 50).mapToObj(i -> String.format("bulk-%02d", i)).toArray(String[]::new);
    }

    @Test
    void fiftySecretsCostFiftyTwoRequestsFirstAndThreeListPagesWhenUnchanged() {
        AzureKeyVaultBackend backend = backend(clientSecret("client-secret"), Clock.systemUTC());
        Map<Reference, Fetched> first = backend.fetch(refs(bulk()));
        assertThat(value(first, "bulk-07")).isEqualTo(CANARY + "-bulk-7");
        // each document carries its version's creation time (rotation age) from the same answers
        Instant madeByServer = Instant.ofEpochSecond(1_700_000_000L);
        assertThat(first.values()).allSatisfy(f -> assertThat(((Fetched.Found) f).document().setAt()).hasValueSatisfying(
                t -> assertThat(t).isBetween(madeByServer, madeByServer.plusSeconds(1_000))));
        List<AzureTestServer.Request> firstCycle = AZURE.requests();
        // challenge (401), token, 50 gets
        assertThat(firstCycle).hasSize(52);
        assertThat(firstCycle.get(0).status()).isEqualTo(401);
        assertThat(firstCycle.get(1).path()).endsWith("/oauth2/v2.0/token");
        assertThat(backend.requests()).isEqualTo(52);

        AZURE.resetRequests();
        Map<Reference, Fetched> second = backend.fetch(refs(bulk()));
        assertThat(value(second, "bulk-49")).isEqualTo(CANARY + "-bulk-49");
        // kept documents keep their creation time: the ages cost no request
        first.forEach((ref, f) -> assertThat(((Fetched.Found) second.get(ref)).document().setAt()).as(ref.path())
                .isPresent().isEqualTo(((Fetched.Found) f).document().setAt()));
        List<AzureTestServer.Request> unchanged = AZURE.requests();
        // the vault holds 56 secrets: 3 list pages of at most 25, no get, no token
        assertThat(unchanged).extracting(AzureTestServer.Request::path).containsOnly("/secrets").hasSize(3);
        assertThat(unchanged).allMatch(r -> r.status() == 200);
    }

    @Test
    void aBulkMappingByTagTakesItsSecretsFromTheListPagesAndCostsNoExtraRequest() {
        AzureKeyVaultBackend backend = backend(clientSecret("client-secret"), Clock.systemUTC());
        Reference finance = new Reference("azure", "*?tag=pool=finance", Optional.empty());
        Set<Reference> refs = refs(bulk());
        refs.add(finance);
        Map<Reference, Fetched> first = backend.fetch(refs);
        // enabled secrets tagged pool=finance, whole name as the field; the disabled one and pool=general left out
        assertThat(((Fetched.Found) first.get(finance)).document().fields()).containsOnlyKeys("bulk_03", "bulk_47");
        assertThat(((Fetched.Found) first.get(finance)).document().fields().get("bulk_47").text())
                .contains(CANARY + "-bulk-47");
        // the bulk mapping lists the vault (3 pages, the first one challenged); its secrets are among the fifty gets
        assertThat(AZURE.requests()).extracting(AzureTestServer.Request::path).filteredOn("/secrets"::equals)
                .hasSize(4);
        assertThat(AZURE.requests()).hasSize(52 + 3);

        AZURE.resetRequests();
        Map<Reference, Fetched> unchanged = backend.fetch(refs);
        assertThat(((Fetched.Found) unchanged.get(finance)).document().fields()).containsOnlyKeys("bulk_03", "bulk_47");
        // the same three list pages as the fifty names alone: the tags came with them
        assertThat(AZURE.requests()).extracting(AzureTestServer.Request::path).containsExactly("/secrets", "/secrets",
                "/secrets");

        AZURE.patchSecret("bulk-47", Map.of("tags", Map.of("pool", "general")));
        AZURE.resetRequests();
        Map<Reference, Fetched> retagged = backend.fetch(Set.of(finance));
        assertThat(((Fetched.Found) retagged.get(finance)).document().fields()).containsOnlyKeys("bulk_03");
        assertThat(AZURE.requests()).extracting(AzureTestServer.Request::path).containsOnly("/secrets");
        AZURE.patchSecret("bulk-47", Map.of("tags", Map.of("pool", "finance", "env", "prod")));
    }

    @Test
    void aBulkMappingByTagThatSelectsNothingNamesTheSelectionAndTheVault() {
        AzureKeyVaultBackend backend = backend(clientSecret("client-secret"), Clock.systemUTC());
        BackendException e = failure(backend.fetch(refs("bulk-*?tag=pool=nowhere")), "bulk-*?tag=pool=nowhere");
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("vault " + AZURE.vaultUrl() + " has no enabled secret whose name starts "
                + "with 'bulk-' and tagged pool=nowhere");
    }

    @Test
    void onlyTheSecretWithANewVersionIsFetchedAgain() {
        AzureKeyVaultBackend backend = backend(clientSecret("client-secret"), Clock.systemUTC());
        backend.fetch(refs("database-url", "bulk-01", "bulk-02"));
        AZURE.putSecret("bulk-02", Map.of("value", CANARY + "-rotated"));
        AZURE.resetRequests();
        Map<Reference, Fetched> after = backend.fetch(refs("database-url", "bulk-01", "bulk-02"));
        assertThat(value(after, "bulk-02")).isEqualTo(CANARY + "-rotated");
        assertThat(AZURE.requests()).extracting(AzureTestServer.Request::path)
                .containsExactly("/secrets", "/secrets", "/secrets", "/secrets/bulk-02");
    }

    @Test
    void aSecretCarriesItsVersionsCreationTimeAndExpiryEvenAfterItsAttributesChange() {
        AzureKeyVaultBackend backend = backend(clientSecret("client-secret"), Clock.systemUTC());
        SecretDocument first = ((Fetched.Found) backend.fetch(refs("aged")).get(refs("aged").iterator().next()))
                .document();
        assertThat(first.setAt()).contains(SET_AT);
        assertThat(first.expiresAt()).contains(EXP);
        // a tag change moves attributes.updated (the secret is fetched again) but not when the value was set
        AZURE.patchSecret("aged", Map.of("tags", Map.of("owner", "platform")));
        AZURE.resetRequests();
        SecretDocument again = ((Fetched.Found) backend.fetch(refs("aged")).get(refs("aged").iterator().next()))
                .document();
        assertThat(AZURE.requests()).extracting(AzureTestServer.Request::path).endsWith("/secrets/aged");
        assertThat(again.setAt()).contains(SET_AT);
        assertThat(again.expiresAt()).contains(EXP);
    }

    @Test
    void aBulkMappingIsAsOldAsItsOldestSecretAndExpiresWithItsFirst() {
        AzureKeyVaultBackend backend = backend(clientSecret("client-secret"), Clock.systemUTC());
        Reference bulk = new Reference("azure", "ag*", Optional.empty());
        Fetched fetched = backend.fetch(Set.of(bulk)).get(bulk);
        assertThat(fetched).isInstanceOf(Fetched.Found.class);
        assertThat(((Fetched.Found) fetched).document().setAt()).contains(SET_AT);
        assertThat(((Fetched.Found) fetched).document().expiresAt()).contains(EXP);
    }

    @Test
    void aClientCertificateAssertionWithX5tGetsATokenAndTheSecret() {
        Credential cert = new AzureBackendSettings.ClientCertificate(AzureTestServer.TENANT, "sp-cert",
                DIR.resolve("sp-cert.pem"));
        assertThat(value(backend(cert, Clock.systemUTC()).fetch(refs("database-url")), "database-url"))
                .isEqualTo(CANARY + "-db");
        assertThat(AZURE.requests()).anyMatch(r -> r.identity().equals("sp-cert") && r.isVault()
                && r.status() == 200);
    }

    @Test
    void aCertificateTheTenantDoesNotKnowIsRefusedPermanentlyWithTheEntraCode() {
        Credential cert = new AzureBackendSettings.ClientCertificate(AzureTestServer.TENANT, "sp-cert",
                DIR.resolve("stranger.pem"));
        BackendException e = failure(backend(cert, Clock.systemUTC()).fetch(refs("database-url")), "database-url");
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("AADSTS700027").contains("sp-cert");
    }

    @Test
    void aWrongClientSecretIsRefusedPermanentlyWithoutTheSecretInTheMessage() {
        BackendException e = failure(backend(clientSecret("wrong-secret"), Clock.systemUTC())
                .fetch(refs("database-url")), "database-url");
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("AADSTS7000215").doesNotContain("not-it");
    }

    @Test
    void systemAndUserAssignedManagedIdentitiesReadFromTheImdsEndpoint() {
        Credential system = new AzureBackendSettings.ManagedIdentity(Optional.empty(),
                URI.create(AZURE.imdsEndpoint()));
        Credential user = new AzureBackendSettings.ManagedIdentity(Optional.of("mi-user"),
                URI.create(AZURE.imdsEndpoint()));
        assertThat(value(backend(system, Clock.systemUTC()).fetch(refs("database-url")), "database-url"))
                .isEqualTo(CANARY + "-db");
        assertThat(value(backend(user, Clock.systemUTC()).fetch(refs("database-url")), "database-url"))
                .isEqualTo(CANARY + "-db");
        assertThat(AZURE.requests()).filteredOn(AzureTestServer.Request::isVault)
                .filteredOn(r -> r.status() == 200).extracting(AzureTestServer.Request::identity)
                .containsExactly("mi:system", "mi:mi-user");
    }

    private static AzureKeyVaultBackend arc(Map<String, String> environment) {
        return new AzureKeyVaultBackend(settings(new AzureBackendSettings.ArcManagedIdentity(DIR.resolve("arc-tokens"))),
                Clock.systemUTC(), environment::get);
    }

    @Test
    void anArcMachineAnswersTheBasicRealmChallengeWithItsKeyFileAndReadsTheSecret() {
        assertThat(value(arc(Map.of("IDENTITY_ENDPOINT", AZURE.arcEndpoint())).fetch(refs("database-url")),
                "database-url")).isEqualTo(CANARY + "-db");
        assertThat(AZURE.requests()).filteredOn(r -> r.path().startsWith("/metadata/"))
                .extracting(AzureTestServer.Request::identity, AzureTestServer.Request::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("anonymous", 401),
                        org.assertj.core.groups.Tuple.tuple("mi:arc", 200));
        assertThat(AZURE.requests()).filteredOn(AzureTestServer.Request::isVault).filteredOn(r -> r.status() == 200)
                .extracting(AzureTestServer.Request::identity).containsExactly("mi:arc");
        // IMDS_ENDPOINT alone (the Arc agent sets both) names the same endpoint
        String base = AZURE.arcEndpoint().replace("/metadata/identity/oauth2/token", "");
        assertThat(value(arc(Map.of("IMDS_ENDPOINT", base + "/")).fetch(refs("bulk-01")), "bulk-01"))
                .isEqualTo(CANARY + "-bulk-1");
    }

    @Test
    void anArcChallengeNamingAFileOutsideTheKeyFolderIsRefusedWithoutSendingIt() throws Exception {
        Path outside = DIR.resolve("elsewhere/stolen.key");
        Path traversal = Path.of(DIR.resolve("arc-tokens") + "/../elsewhere/climb.key");
        for (Path realm : List.of(outside, traversal)) {
            AZURE.resetRequests();
            AZURE.arcRealm(realm);
            try {
                BackendException e = failure(arc(Map.of("IDENTITY_ENDPOINT", AZURE.arcEndpoint()))
                        .fetch(refs("database-url")), "database-url");
                assertThat(e.isTransient()).isFalse();
                assertThat(e.getMessage()).isEqualTo("azure:database-url: the Azure Arc endpoint "
                        + AZURE.arcEndpoint() + " named the key file " + realm + ", which is not a .key file in the "
                        + "Arc key folder " + DIR.resolve("arc-tokens") + ": refusing to read it");
                assertThat(e.getMessage()).doesNotContain(Files.readString(realm));
                // the challenge only: the key was never sent back
                assertThat(AZURE.requests()).filteredOn(r -> r.path().startsWith("/metadata/"))
                        .extracting(AzureTestServer.Request::status).containsExactly(401);
            } finally {
                AZURE.arcRealm(null);
            }
        }
    }

    @Test
    void anArcEndpointNotOnThisHostIsRefusedBeforeAnyRequest() {
        BackendException e = failure(arc(Map.of("IDENTITY_ENDPOINT",
                "http://169.254.169.254/metadata/identity/oauth2/token")).fetch(refs("database-url")), "database-url");
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).isEqualTo("azure:database-url: the Azure Arc endpoint "
                + "http://169.254.169.254/metadata/identity/oauth2/token is not http on this host (localhost): "
                + "refusing to send it the Arc key");
        assertThat(AZURE.requests()).filteredOn(r -> r.path().startsWith("/metadata/")).isEmpty();
    }

    @Test
    void aUserAssignedIdentityAllowedOneSecretIsForbiddenTheOthersAndStillSeesChanges() {
        AzureKeyVaultBackend backend = backend(new AzureBackendSettings.ManagedIdentity(Optional.of("mi-user"),
                URI.create(AZURE.imdsEndpoint())), Clock.systemUTC());
        Map<Reference, Fetched> first = backend.fetch(refs("database-url", "bulk-03"));
        BackendException e = failure(first, "bulk-03");
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("ForbiddenByRbac").contains(AZURE.vaultUrl());
        // no list permission: the next cycle gets the secret again instead of listing
        AZURE.resetRequests();
        assertThat(value(backend.fetch(refs("database-url")), "database-url")).isEqualTo(CANARY + "-db");
        assertThat(AZURE.requests()).extracting(AzureTestServer.Request::path)
                .containsExactly("/secrets", "/secrets/database-url");
    }

    @Test
    void eachVaultErrorIsClassifiedAndNamesTheReferenceAndVault() {
        AzureKeyVaultBackend backend = backend(clientSecret("client-secret"), Clock.systemUTC());
        Map<Reference, Fetched> fetched = backend.fetch(refs("no-such-secret", "disabled", "expired", "not-yet",
                "bad_name!"));
        assertThat(failure(fetched, "no-such-secret")).satisfies(e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).contains("SecretNotFound").contains(AZURE.vaultUrl());
        });
        assertThat(failure(fetched, "disabled").getMessage()).contains("is disabled").contains("SecretDisabled");
        assertThat(failure(fetched, "expired").getMessage()).contains("expired at 2001-09-09T01:46:40Z");
        assertThat(failure(fetched, "not-yet").getMessage()).contains("not valid before");
        assertThat(failure(fetched, "bad_name!").getMessage()).contains("1 to 127 letters, digits and '-'");
        assertThat(fetched.values()).allMatch(f -> f instanceof Fetched.Failed failed
                && !failed.failure().isTransient());
    }

    @Test
    void throttlingIsTransientAndCarriesRetryAfterToTheDaemon() {
        AzureKeyVaultBackend backend = backend(clientSecret("client-secret"), Clock.systemUTC());
        backend.fetch(refs("database-url"));
        AZURE.throttle(1, 17);
        BackendException e = failure(backend.fetch(refs("bulk-05")), "bulk-05");
        assertThat(e.isTransient()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(17));
    }

    private static AzureKeyVaultBackend reading(int maxConcurrentReads) {
        return new AzureKeyVaultBackend(new AzureBackendSettings("azure", URI.create(AZURE.vaultUrl()),
                clientSecret("client-secret"), URI.create(AZURE.authorityHost()), Optional.of(AZURE.caFile()),
                Duration.ofSeconds(10), maxConcurrentReads), Clock.systemUTC());
    }

    private static Set<Reference> twenty() {
        return refs(IntStream.range(0, 20).mapToObj(i -> String.format("bulk-%02d", i)).toArray(String[]::new));
    }

    @Test
    void aSecretNamedAndSelectedByABulkMappingIsGotOnceWhileReadsRunConcurrently() {
        AZURE.readDelay(0.05);
        try {
            AzureKeyVaultBackend backend = reading(3);
            backend.fetch(refs("database-url")); // challenge and token: the three reads below start together
            AZURE.resetRequests();
            // the tag mapping's reader gets bulk-03 and bulk-47 while the two other readers get the same names
            Map<Reference, Fetched> got = backend.fetch(refs("*?tag=pool=finance", "bulk-03", "bulk-47"));
            assertThat(got.values()).hasSize(3).allMatch(f -> f instanceof Fetched.Found);
            assertThat(AZURE.requests()).extracting(AzureTestServer.Request::path)
                    .filteredOn(path -> path.startsWith("/secrets/")).as("one GET per secret, however many need it")
                    .doesNotHaveDuplicates().isNotEmpty();
        } finally {
            AZURE.readDelay(0);
        }
    }

    @Test
    void secretGetsGoOutAtMostMaxConcurrentReadsAtOnceAfterOneChallengeAndOneToken() {
        AZURE.readDelay(0.05);
        try {
            AZURE.resetInFlight();
            Map<Reference, Fetched> got = reading(3).fetch(twenty());
            assertThat(got.values()).hasSize(20).allMatch(f -> f instanceof Fetched.Found);
            assertThat(AZURE.maxInFlight()).as("the server saw the readers overlap, never beyond the bound")
                    .isEqualTo(3);
            List<AzureTestServer.Request> requests = AZURE.requests();
            assertThat(requests.stream().filter(r -> r.path().contains("/oauth2/")).count()).as("one token")
                    .isEqualTo(1);
            assertThat(requests.stream().filter(AzureTestServer.Request::isVault).count())
                    .as("one challenge, then one GET per secret").isEqualTo(21);
        } finally {
            AZURE.readDelay(0);
        }
    }

    @Test
    void aThrottledGetStopsTheFetchTheOthersAreNotAskedAndAllCarryTheVaultsRetryAfter() {
        AZURE.throttle(1, 17);
        Map<Reference, Fetched> got = reading(4).fetch(twenty());
        assertThat(AZURE.requests().stream().filter(AzureTestServer.Request::isVault).count())
                .as("the challenge and the throttled GET, nothing after").isEqualTo(2);
        assertThat(got.values()).hasSize(20).allSatisfy(f -> {
            BackendException e = ((Fetched.Failed) f).failure();
            assertThat(e.throttled()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(17));
            assertThat(e.getMessage()).doesNotContain(CANARY);
        });
    }

    @Test
    void aVaultWhoseCaIsNotTrustedFailsOnTlsUntilCaFileNamesIt() {
        AzureBackendSettings noCa = new AzureBackendSettings("azure", URI.create(AZURE.vaultUrl()),
                clientSecret("client-secret"), URI.create(AZURE.authorityHost()), Optional.empty(),
                Duration.ofSeconds(10));
        BackendException e = failure(new AzureKeyVaultBackend(noCa, Clock.systemUTC()).fetch(refs("database-url")),
                "database-url");
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("TLS with " + AZURE.vaultUrl()).contains("ca_file");
    }

    @Test
    void anUnreachableVaultIsTransient() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        AzureBackendSettings gone = new AzureBackendSettings("azure",
                URI.create("https://noxus-test.vault.azure.net:" + closed), clientSecret("client-secret"),
                URI.create(AZURE.authorityHost()), Optional.of(AZURE.caFile()), Duration.ofSeconds(5));
        BackendException e = failure(new AzureKeyVaultBackend(gone, Clock.systemUTC()).fetch(refs("database-url")),
                "database-url");
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).contains("cannot reach");
    }

    @Test
    void aJsonKeyAndAPinnedVersionAreServedAndThePinIsNeverFetchedTwice() {
        AzureKeyVaultBackend backend = backend(clientSecret("client-secret"), Clock.systemUTC());
        Reference platform = new Reference("azure", "platform", Optional.empty());
        Map<Reference, Fetched> fetched = backend.fetch(Set.of(platform));
        assertThat(((Fetched.Found) fetched.get(platform)).document().value(Reference.parse("azure:platform#port"))
                .text()).contains("5432");
        String pin = ((Fetched.Found) backend.fetch(refs("pinned")).get(refs("pinned").iterator().next()))
                .document().version().orElseThrow();
        String newer = AZURE.putSecret("pinned", Map.of("value", CANARY + "-newest"));
        assertThat(newer).isNotEqualTo(pin);
        AZURE.resetRequests();
        assertThat(value(backend.fetch(refs("pinned?version=" + pin)), "pinned?version=" + pin))
                .isEqualTo(CANARY + "-new");
        assertThat(value(backend.fetch(refs("pinned?version=" + pin)), "pinned?version=" + pin))
                .isEqualTo(CANARY + "-new");
        assertThat(AZURE.requests()).extracting(AzureTestServer.Request::path)
                .containsExactly("/secrets/pinned/" + pin);
    }

    @Test
    void aChallengeForAnotherResourceGetsNoTokenAndFailsPermanently() {
        AZURE.challengeResource("https://evil.example");
        try {
            BackendException e = failure(backend(clientSecret("client-secret"), Clock.systemUTC())
                    .fetch(refs("database-url")), "database-url");
            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).contains("https://evil.example", "not its own domain");
            assertThat(AZURE.requests()).extracting(AzureTestServer.Request::path)
                    .containsExactly("/secrets/database-url");
        } finally {
            AZURE.challengeResource(null);
        }
    }

    @Test
    void aUsGovernmentVaultGetsItsTokenFromItsAuthorityForTheResourceItsChallengeNames() {
        AzureBackendSettings gov = new AzureBackendSettings("azure", URI.create(AZURE.vaultUrl("vault.usgovcloudapi.net")),
                clientSecret("client-secret"), URI.create(AZURE.authorityHost("login.microsoftonline.us")),
                Optional.of(AZURE.caFile()), Duration.ofSeconds(10));
        Map<Reference, Fetched> fetched = new AzureKeyVaultBackend(gov, Clock.systemUTC()).fetch(refs("database-url"));
        assertThat(value(fetched, "database-url")).isEqualTo(CANARY + "-db");
        // the vault accepted the token: its audience is https://vault.usgovcloudapi.net:PORT, the challenge's resource
        assertThat(AZURE.requests()).extracting(AzureTestServer.Request::host, AzureTestServer.Request::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("noxus-test.vault.usgovcloudapi.net:" + AZURE.httpsPort(), 401),
                        org.assertj.core.groups.Tuple.tuple("login.microsoftonline.us:" + AZURE.httpsPort(), 200),
                        org.assertj.core.groups.Tuple.tuple("noxus-test.vault.usgovcloudapi.net:" + AZURE.httpsPort(), 200));
    }

    @Test
    void aNationalCloudVaultWithThePublicAuthorityIsRefusedByEntraPermanently() {
        AzureBackendSettings mixed = new AzureBackendSettings("azure", URI.create(AZURE.vaultUrl("vault.azure.cn")),
                clientSecret("client-secret"), URI.create(AZURE.authorityHost()), Optional.of(AZURE.caFile()),
                Duration.ofSeconds(10));
        BackendException e = failure(new AzureKeyVaultBackend(mixed, Clock.systemUTC()).fetch(refs("database-url")),
                "database-url");
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("AADSTS500011", "https://vault.azure.cn:" + AZURE.httpsPort());
    }

    @Test
    void aManagedIdentityAsksImdsForTheNationalCloudsVaultResource() {
        AzureBackendSettings china = new AzureBackendSettings("azure", URI.create(AZURE.vaultUrl("vault.azure.cn")),
                new AzureBackendSettings.ManagedIdentity(Optional.empty(), URI.create(AZURE.imdsEndpoint())),
                AzureBackendSettings.defaultAuthority(URI.create(AZURE.vaultUrl("vault.azure.cn"))),
                Optional.of(AZURE.caFile()), Duration.ofSeconds(10));
        assertThat(value(new AzureKeyVaultBackend(china, Clock.systemUTC()).fetch(refs("bulk-09")), "bulk-09"))
                .isEqualTo(CANARY + "-bulk-9");
    }

    @Test
    void aTokenIsReusedUntilFiveMinutesBeforeItExpiresThenReplaced() {
        ManualClock clock = new ManualClock();
        AzureKeyVaultBackend backend = backend(clientSecret("client-secret"), clock);
        backend.fetch(refs("bulk-10"));
        clock.advance(Duration.ofMinutes(54));
        backend.fetch(refs("bulk-11"));
        assertThat(AZURE.requests()).filteredOn(r -> r.path().endsWith("/token")).hasSize(1);
        clock.advance(Duration.ofMinutes(2));
        backend.fetch(refs("bulk-12"));
        assertThat(AZURE.requests()).filteredOn(r -> r.path().endsWith("/token")).hasSize(2);
    }
}
