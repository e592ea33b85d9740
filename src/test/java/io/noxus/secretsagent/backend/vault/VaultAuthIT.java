package io.noxus.secretsagent.backend.vault;

import io.noxus.secretsagent.testsupport.ManualClock;
import static io.noxus.secretsagent.backend.vault.VaultFixture.failure;
import static io.noxus.secretsagent.backend.vault.VaultFixture.field;
import static io.noxus.secretsagent.backend.vault.VaultFixture.refs;
import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.config.VaultBackendSettings.AppRoleAuth;
import io.noxus.secretsagent.config.VaultBackendSettings.TokenAuth;
import io.noxus.secretsagent.testsupport.OpenBaoServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AppRole (plain and wrapped secret_id), token renewal before expiry and a new login when renewal is no longer
 * possible, on a real server with short TTLs. The agent's time is a hand-moved clock; the server's is real.
 */
class VaultAuthIT {
    private static final String LOGIN = "auth/approle/login";
    private static final String RENEW = "auth/token/renew-self";
    @TempDir
    static Path dir;
    static OpenBaoServer server;
    final ManualClock clock = new ManualClock();

    @BeforeAll
    static void startServer() {
        server = OpenBaoServer.start(dir.resolve("bao"));
        VaultFixture.prepare(server, dir);
        server.bao("kv", "put", "kv1/legacy", "api_key=legacy-key");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    AppRoleAuth appRole(String role, boolean wrapped) {
        String roleId = server.bao("read", "-field=role_id", "auth/approle/role/" + role + "/role-id");
        String secretId = wrapped
                ? server.bao("write", "-wrap-ttl=120s", "-field=wrapping_token", "-f",
                        "auth/approle/role/" + role + "/secret-id")
                : server.bao("write", "-field=secret_id", "-f", "auth/approle/role/" + role + "/secret-id");
        String tag = role + (wrapped ? "-wrapped" : "") + System.nanoTime();
        return new AppRoleAuth("approle", VaultFixture.secretFile(dir.resolve(tag + ".role"), roleId),
                VaultFixture.secretFile(dir.resolve(tag + ".secret"), secretId), wrapped);
    }

    VaultBackend backend(AppRoleAuth auth) {
        return new VaultBackend(VaultFixture.settings(server, auth), clock, name -> null);
    }

    String apiKey(VaultBackend vault) {
        return field(vault.fetch(refs("kv1/legacy")), "kv1/legacy", "api_key");
    }

    @Test
    void appRoleLogsInOnceAndReusesItsToken() {
        long logins = server.requestsLogged(LOGIN);
        try (VaultBackend vault = backend(appRole("agent", false))) {
            assertThat(apiKey(vault)).isEqualTo("legacy-key");
            assertThat(apiKey(vault)).isEqualTo("legacy-key");
        }
        assertThat(server.requestsLogged(LOGIN) - logins).isEqualTo(1);
    }

    @Test
    void aWrappedSecretIdIsUnwrappedOnceAndKeptForLaterLogins() {
        AppRoleAuth wrapped = appRole("agent", true);
        long unwraps = server.requestsLogged("sys/wrapping/unwrap");
        try (VaultBackend vault = backend(wrapped)) {
            assertThat(apiKey(vault)).isEqualTo("legacy-key");
            server.bao("token", "revoke", "-mode=path", "auth/approle");
            assertThat(apiKey(vault)).as("logs in again with the kept secret_id").isEqualTo("legacy-key");
        }
        assertThat(server.requestsLogged("sys/wrapping/unwrap") - unwraps).isEqualTo(1);
        try (VaultBackend second = backend(wrapped)) {
            assertThat(failure(second.fetch(refs("kv1/legacy")), "kv1/legacy"))
                    .contains("unwrapping the secret_id from " + wrapped.secretIdFile() + " failed")
                    .contains("a wrapping token works once and expires");
        }
    }

    @Test
    void aWrongSecretIdFailsTheLoginWithAMessageNamingTheFiles() {
        AppRoleAuth good = appRole("agent", false);
        AppRoleAuth bad = new AppRoleAuth("approle", good.roleIdFile(),
                VaultFixture.secretFile(dir.resolve("bad.secret"), "not-a-secret-id"), false);
        try (VaultBackend vault = backend(bad)) {
            assertThat(failure(vault.fetch(refs("kv1/legacy")), "kv1/legacy")).contains("cannot get a token: "
                    + "AppRole login at auth/approle failed; check role_id_file and secret_id_file");
        }
    }

    @Test
    void theTokenIsRenewedOnceTwoThirdsOfItsTtlAreGone() {
        long logins = server.requestsLogged(LOGIN);
        long renewals = server.requestsLogged(RENEW);
        try (VaultBackend vault = backend(appRole("agent", false))) {
            apiKey(vault);
            clock.advance(Duration.ofMinutes(39));
            apiKey(vault);
            assertThat(server.requestsLogged(RENEW) - renewals).as("not yet due").isZero();
            clock.advance(Duration.ofMinutes(2));
            apiKey(vault);
            assertThat(server.requestsLogged(RENEW) - renewals).isEqualTo(1);
            clock.advance(Duration.ofMinutes(20));
            apiKey(vault);
            assertThat(server.requestsLogged(RENEW) - renewals).as("renewed to a full hour again").isEqualTo(1);
        }
        assertThat(server.requestsLogged(LOGIN) - logins).isEqualTo(1);
    }

    @Test
    void atTheMaxTtlTheAgentLogsInAgainInsteadOfRenewing() {
        long logins = server.requestsLogged(LOGIN);
        long renewals = server.requestsLogged(RENEW);
        try (VaultBackend vault = backend(appRole("capped", false))) {
            apiKey(vault);
            serverTimePasses(Duration.ofMillis(2500)); // so that the server's max TTL (4 s) caps the renewal
            clock.advance(Duration.ofMillis(2100));
            apiKey(vault); // renewal comes back shorter than asked (3 s): the max TTL is near
            assertThat(server.requestsLogged(RENEW) - renewals).isEqualTo(1);
            clock.advance(Duration.ofMillis(1500));
            assertThat(apiKey(vault)).isEqualTo("legacy-key");
        }
        assertThat(server.requestsLogged(RENEW) - renewals).isEqualTo(1);
        assertThat(server.requestsLogged(LOGIN) - logins).isEqualTo(2);
    }

    @Test
    void aRevokedTokenIsReplacedByANewLoginWhenRenewalFails() {
        long logins = server.requestsLogged(LOGIN);
        try (VaultBackend vault = backend(appRole("agent", false))) {
            apiKey(vault);
            server.bao("token", "revoke", "-mode=path", "auth/approle");
            clock.advance(Duration.ofMinutes(45));
            assertThat(apiKey(vault)).isEqualTo("legacy-key");
        }
        assertThat(server.requestsLogged(LOGIN) - logins).isEqualTo(2);
    }

    @Test
    void aTokenRevokedBeforeItsRenewalIsNoticedOnTheDenialAndReplaced() {
        long logins = server.requestsLogged(LOGIN);
        try (VaultBackend vault = backend(appRole("agent", false))) {
            apiKey(vault);
            server.bao("token", "revoke", "-mode=path", "auth/approle");
            assertThat(apiKey(vault)).isEqualTo("legacy-key");
        }
        assertThat(server.requestsLogged(LOGIN) - logins).isEqualTo(2);
    }

    @Test
    void aTokenFileIsReadAgainWhenItsTokenWasRevoked() {
        TokenAuth auth = VaultFixture.tokenFile(server, dir, "reader");
        try (VaultBackend vault = new VaultBackend(VaultFixture.settings(server, auth), clock, name -> null)) {
            apiKey(vault);
            server.bao("token", "revoke", readToken(auth));
            assertThat(failure(vault.fetch(refs("kv1/legacy")), "kv1/legacy"))
                    .contains("is not valid (expired or revoked); provide a new one");
            VaultFixture.secretFile(auth.file().get(), server.bao("token", "create", "-policy=reader",
                    "-field=token"));
            assertThat(apiKey(vault)).isEqualTo("legacy-key");
        }
    }

    /** The server's TTLs run on real time; the agent's clock is moved by hand. */
    private static void serverTimePasses(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String readToken(TokenAuth auth) {
        try {
            return java.nio.file.Files.readString(auth.file().orElseThrow()).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
