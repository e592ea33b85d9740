package io.noxus.secretsagent.backend.vault;

import static io.noxus.secretsagent.backend.vault.VaultFixture.failure;
import static io.noxus.secretsagent.backend.vault.VaultFixture.field;
import static io.noxus.secretsagent.backend.vault.VaultFixture.isTransient;
import static io.noxus.secretsagent.backend.vault.VaultFixture.refs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.config.VaultBackendSettings;
import io.noxus.secretsagent.config.VaultBackendSettings.TokenAuth;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.testsupport.OpenBaoServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads, versions, request counts and failure classes against a real OpenBao dev server. */
class VaultBackendIT {
    @TempDir
    static Path dir;
    static OpenBaoServer server;

    @BeforeAll
    static void startServer() {
        server = OpenBaoServer.start(dir.resolve("bao"));
        VaultFixture.prepare(server, dir);
        server.bao("kv", "put", "secret/noxus/platform", "database_url=postgres://db/one", "redis_url=redis://r");
        server.bao("kv", "put", "secret/noxus/workers", "etl_db=postgres://etl", "node-key=k1");
        server.bao("kv", "put", "kv1/legacy", "api_key=legacy-key");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    VaultBackend backend(String policy) {
        return new VaultBackend(VaultFixture.settings(server, VaultFixture.tokenFile(server, dir, policy)),
                Clock.systemUTC(), name -> null);
    }

    @Test
    void readsFieldsOfKvV2AndKvV1SecretsWithTheEngineVersionDetectedPerMount() {
        try (VaultBackend vault = backend("reader")) {
            Map<Reference, Fetched> answers = vault.fetch(refs("secret/noxus/platform", "kv1/legacy"));
            assertThat(field(answers, "secret/noxus/platform", "database_url")).isEqualTo("postgres://db/one");
            assertThat(field(answers, "secret/noxus/platform", "redis_url")).isEqualTo("redis://r");
            assertThat(field(answers, "kv1/legacy", "api_key")).isEqualTo("legacy-key");
            assertThat(((Fetched.Found) answers.get(Reference.parse("vault:kv1/legacy"))).document().version()).isEmpty();
        }
    }

    @Test
    void configuredKvVersionsSkipTheMountLookup() {
        VaultBackendSettings detected = VaultFixture.settings(server, VaultFixture.tokenFile(server, dir, "reader"));
        VaultBackendSettings configured = new VaultBackendSettings("vault", detected.address(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), detected.requestTimeout(),
                Map.of("secret", 2, "kv1", 1), detected.auth());
        long before = server.requestsLogged("sys/internal/ui/mounts/kv1/legacy");
        try (VaultBackend vault = new VaultBackend(configured, Clock.systemUTC(), name -> null)) {
            Map<Reference, Fetched> answers = vault.fetch(refs("secret/noxus/platform", "kv1/legacy"));
            assertThat(field(answers, "kv1/legacy", "api_key")).isEqualTo("legacy-key");
        }
        assertThat(server.requestsLogged("sys/internal/ui/mounts/kv1/legacy")).isEqualTo(before);
    }

    @Test
    void aPinnedVersionReadsThatVersionAndCostsNothingOnceHeld() {
        server.bao("kv", "put", "secret/pinned", "key=first");
        server.bao("kv", "put", "secret/pinned", "key=second");
        try (VaultBackend vault = backend("reader")) {
            Map<Reference, Fetched> answers = vault.fetch(refs("secret/pinned?version=1", "secret/pinned"));
            assertThat(field(answers, "secret/pinned?version=1", "key")).isEqualTo("first");
            assertThat(field(answers, "secret/pinned", "key")).isEqualTo("second");
            long before = server.requestsLogged();
            vault.fetch(refs("secret/pinned?version=1"));
            assertThat(server.requestsLogged()).isEqualTo(before);
        }
    }

    @Test
    void anUnchangedSecondFetchCostsOneMetadataReadPerKvV2SecretAndOneReadPerKvV1Secret() {
        server.bao("kv", "put", "secret/counted/a", "x=1");
        server.bao("kv", "put", "secret/counted/b", "y=1");
        Set<Reference> docs = refs("secret/counted/a", "secret/counted/b", "kv1/legacy");
        try (VaultBackend vault = backend("reader")) {
            long start = server.requestsLogged();
            vault.fetch(docs);
            long first = server.requestsLogged() - start;
            // lookup-self + one mount lookup per mount (secret, kv1) + 2 KV v2 data reads + 1 KV v1 read
            assertThat(first).isEqualTo(6).isEqualTo(vault.requests());

            long second = server.requestsLogged();
            Map<Reference, Fetched> unchanged = vault.fetch(docs);
            // 2 metadata reads (versions unchanged, data kept) + 1 KV v1 read
            assertThat(server.requestsLogged() - second).isEqualTo(3);
            assertThat(field(unchanged, "secret/counted/a", "x")).isEqualTo("1");

            server.bao("kv", "put", "secret/counted/b", "y=2");
            long third = server.requestsLogged();
            Map<Reference, Fetched> changed = vault.fetch(docs);
            // 2 metadata reads + the data of the one that moved + 1 KV v1 read
            assertThat(server.requestsLogged() - third).isEqualTo(4);
            assertThat(field(changed, "secret/counted/b", "y")).isEqualTo("2");
            assertThat(vault.requests()).as("the backend counts what the server logged").isEqualTo(6 + 3 + 4);
        }
    }

    @Test
    void aSecretSoftDeletedAfterItWasReadSaysWhichVersionWasDeletedAndWhenNotNoSuchSecret() throws Exception {
        server.bao("kv", "put", "secret/deleted", "k=v");
        try (VaultBackend vault = backend("reader")) {
            assertThat(field(vault.fetch(refs("secret/deleted")), "secret/deleted", "k")).isEqualTo("v");
            server.bao("kv", "delete", "secret/deleted");
            Map<Reference, Fetched> answers = vault.fetch(refs("secret/deleted"));
            assertThat(failure(answers, "secret/deleted")).isEqualTo("vault:secret/deleted: backend vault ("
                    + server.address() + "): version 1 of secret/data/deleted was deleted at "
                    + deletionTime("secret/deleted", 1) + "; undelete it (kv undelete -versions=1) or write a new "
                    + "version");
            assertThat(isTransient(answers, "secret/deleted")).isFalse();

            server.bao("kv", "undelete", "-versions=1", "secret/deleted");
            assertThat(field(vault.fetch(refs("secret/deleted")), "secret/deleted", "k")).isEqualTo("v");
        }
    }

    @Test
    void aSoftDeletedLatestVersionReadFreshIsReportedAsDeleted() throws Exception {
        server.bao("kv", "put", "secret/soft", "k=one");
        server.bao("kv", "put", "secret/soft", "k=two");
        server.bao("kv", "delete", "secret/soft");
        try (VaultBackend vault = backend("reader")) {
            Map<Reference, Fetched> answers = vault.fetch(refs("secret/soft", "secret/soft?version=1"));
            assertThat(failure(answers, "secret/soft")).endsWith("version 2 of secret/data/soft was deleted at "
                    + deletionTime("secret/soft", 2) + "; undelete it (kv undelete -versions=2) or write a new version");
            assertThat(isTransient(answers, "secret/soft")).isFalse();
            assertThat(field(answers, "secret/soft?version=1", "k")).isEqualTo("one");
        }
    }

    @Test
    void aDestroyedVersionIsReportedAsDestroyedLatestOrPinned() {
        server.bao("kv", "put", "secret/destroyed", "k=one");
        server.bao("kv", "put", "secret/destroyed", "k=two");
        server.bao("kv", "destroy", "-versions=1,2", "secret/destroyed");
        try (VaultBackend vault = backend("reader")) {
            Map<Reference, Fetched> answers = vault.fetch(refs("secret/destroyed", "secret/destroyed?version=1"));
            assertThat(failure(answers, "secret/destroyed")).isEqualTo("vault:secret/destroyed: backend vault ("
                    + server.address() + "): version 2 of secret/data/destroyed was destroyed; write a new version "
                    + "(or pin ?version= to one that still exists)");
            assertThat(failure(answers, "secret/destroyed?version=1")).endsWith("version 1 of secret/data/destroyed "
                    + "was destroyed; write a new version (or pin ?version= to one that still exists)");
            assertThat(isTransient(answers, "secret/destroyed")).isFalse();
        }
    }

    /** The deletion time the server keeps for one version, to the second, as the agent prints it. */
    private static String deletionTime(String path, int version) throws Exception {
        JsonNode meta = new ObjectMapper().readTree(server.bao("kv", "metadata", "get", "-format=json", path));
        return Instant.parse(meta.path("data").path("versions").path(String.valueOf(version)).path("deletion_time")
                .asText()).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Test
    void withoutMetadataAccessTheDataIsReadEachTime() {
        try (VaultBackend vault = backend("narrow")) {
            vault.fetch(refs("secret/noxus/platform"));
            Map<Reference, Fetched> again = vault.fetch(refs("secret/noxus/platform"));
            assertThat(field(again, "secret/noxus/platform", "redis_url")).isEqualTo("redis://r");
            long before = server.requestsLogged();
            vault.fetch(refs("secret/noxus/platform"));
            assertThat(server.requestsLogged() - before).as("data read only, metadata no longer probed").isEqualTo(1);
        }
    }

    @Test
    void aPathThePolicyDoesNotAllowIsAPermanentPermissionDenied() {
        try (VaultBackend vault = backend("narrow")) {
            Map<Reference, Fetched> answers = vault.fetch(refs("secret/noxus/workers", "secret/noxus/platform"));
            assertThat(failure(answers, "secret/noxus/workers")).startsWith("vault:secret/noxus/workers: backend vault")
                    .contains("permission denied (HTTP 403)");
            assertThat(isTransient(answers, "secret/noxus/workers")).isFalse();
            assertThat(field(answers, "secret/noxus/platform", "database_url")).isEqualTo("postgres://db/one");
        }
    }

    @Test
    void aMissingPathIsPermanentAndAMissingFieldNamesTheFieldsPresent() {
        try (VaultBackend vault = backend("reader")) {
            Map<Reference, Fetched> answers = vault.fetch(refs("secret/no/such", "kv1/none", "secret/noxus/platform"));
            assertThat(failure(answers, "secret/no/such")).contains("no such secret").contains("secret/data/no/such");
            assertThat(isTransient(answers, "secret/no/such")).isFalse();
            assertThat(failure(answers, "kv1/none")).contains("no such secret");
            Reference missingField = Reference.parse("vault:secret/noxus/platform#password");
            assertThat(((Fetched.Found) answers.get(missingField.document())).document())
                    .satisfies(doc -> org.assertj.core.api.Assertions.assertThatThrownBy(() -> doc.value(missingField))
                            .hasMessage("vault:secret/noxus/platform#password: the secret has no field 'password'; "
                                    + "fields present: database_url, redis_url"));
        }
    }

    @Test
    void aStoppedServerIsATransientFailureForEveryDocument(@TempDir Path own) {
        OpenBaoServer gone = OpenBaoServer.start(own);
        String token = gone.bao("token", "create", "-policy=default", "-field=token");
        VaultBackendSettings settings = VaultFixture.settings(gone, new TokenAuth(Optional.empty(),
                Optional.of(VaultFixture.secretFile(own.resolve("t"), token))));
        gone.close();
        try (VaultBackend vault = new VaultBackend(settings, Clock.systemUTC(), name -> null)) {
            Map<Reference, Fetched> answers = vault.fetch(refs("secret/a", "kv1/b"));
            assertThat(failure(answers, "secret/a")).contains("cannot get a token").contains("cannot reach "
                    + gone.address());
            assertThat(isTransient(answers, "secret/a")).isTrue();
            assertThat(isTransient(answers, "kv1/b")).isTrue();
        }
    }

    @Test
    void aRateLimitedServerIsTransientAndItsRetryAfterHintIsKept(@TempDir Path own) {
        try (OpenBaoServer limited = OpenBaoServer.start(own)) {
            VaultFixture.prepare(limited, own);
            limited.bao("kv", "put", "secret/noxus/platform", "database_url=postgres://db/one");
            limited.bao("write", "sys/quotas/config", "enable_rate_limit_response_headers=true");
            limited.bao("write", "sys/quotas/rate-limit/agent", "rate=1", "interval=30s");
            try (VaultBackend vault = new VaultBackend(VaultFixture.settings(limited, VaultFixture.tokenFile(limited,
                    own, "reader")), Clock.systemUTC(), name -> null)) {
                Map<Reference, Fetched> answers = vault.fetch(refs("secret/noxus/platform"));
                var failure = ((Fetched.Failed) answers.get(Reference.parse("vault:secret/noxus/platform"))).failure();
                assertThat(failure.isTransient()).isTrue();
                assertThat(failure.getMessage()).contains("is throttling requests (HTTP 429)");
                assertThat(failure.retryAfter()).hasValueSatisfying(wait -> assertThat(wait)
                        .isBetween(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30)));
                assertThat(vault.throttles()).as("the 429 is counted for the metrics").isEqualTo(1);
                assertThat(vault.requests()).as("and among the requests").isEqualTo(1);
            }
        }
    }

    @Test
    void aTokenFromTheEnvironmentWorksAndAnUnsetVariableSaysWhichOne() {
        String token = server.bao("token", "create", "-policy=reader", "-field=token");
        VaultBackendSettings settings = VaultFixture.settings(server, new TokenAuth(Optional.of("AGENT_VAULT_TOKEN"),
                Optional.empty()));
        try (VaultBackend vault = new VaultBackend(settings, Clock.systemUTC(), Map.of("AGENT_VAULT_TOKEN",
                token)::get)) {
            assertThat(field(vault.fetch(refs("kv1/legacy")), "kv1/legacy", "api_key")).isEqualTo("legacy-key");
        }
        try (VaultBackend vault = new VaultBackend(settings, Clock.systemUTC(), name -> null)) {
            assertThat(failure(vault.fetch(refs("kv1/legacy")), "kv1/legacy"))
                    .contains("the environment variable AGENT_VAULT_TOKEN that should hold the token is not set");
        }
    }

    @Test
    void aTokenFileOthersMayReadIsRefused() throws Exception {
        TokenAuth auth = VaultFixture.tokenFile(server, dir, "reader");
        java.nio.file.Files.setPosixFilePermissions(auth.file().orElseThrow(),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (VaultBackend vault = new VaultBackend(VaultFixture.settings(server, auth), Clock.systemUTC(),
                name -> null)) {
            assertThat(failure(vault.fetch(refs("kv1/legacy")), "kv1/legacy"))
                    .contains("is readable or writable by group or others; chmod 600 it");
        }
    }

    @Test
    void aNamespaceIsSentWithEveryRequest() {
        server.bao("namespace", "create", "team");
        server.bao("secrets", "enable", "-namespace=team", "-path=kv", "-version=2", "kv");
        server.bao("kv", "put", "-namespace=team", "kv/app", "key=in-team");
        VaultBackendSettings root = VaultFixture.settings(server, new TokenAuth(Optional.empty(),
                Optional.of(VaultFixture.secretFile(dir.resolve("root.token"), server.rootToken()))));
        VaultBackendSettings team = new VaultBackendSettings("vault", root.address(), Optional.of("team"),
                Optional.empty(), Optional.empty(), Optional.empty(), root.requestTimeout(), Map.of(), root.auth());
        try (VaultBackend vault = new VaultBackend(team, Clock.systemUTC(), name -> null)) {
            assertThat(field(vault.fetch(refs("kv/app")), "kv/app", "key")).isEqualTo("in-team");
        }
        try (VaultBackend vault = new VaultBackend(root, Clock.systemUTC(), name -> null)) {
            assertThat(failure(vault.fetch(refs("kv/app")), "kv/app")).contains("backend vault");
        }
    }

    @Test
    void aReferenceThatIsNotAKvPathIsRefused() {
        try (VaultBackend vault = backend("reader")) {
            Map<Reference, Fetched> answers = vault.fetch(refs("secret/x?ver=2", "secret"));
            assertThat(failure(answers, "secret/x?ver=2")).contains("optionally ending in ?version=N");
            assertThat(failure(answers, "secret")).contains("is the mount itself");
        }
    }
}
