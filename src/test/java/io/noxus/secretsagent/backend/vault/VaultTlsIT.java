package io.noxus.secretsagent.backend.vault;

import static io.noxus.secretsagent.backend.vault.VaultFixture.failure;
import static io.noxus.secretsagent.backend.vault.VaultFixture.field;
import static io.noxus.secretsagent.backend.vault.VaultFixture.isTransient;
import static io.noxus.secretsagent.backend.vault.VaultFixture.refs;
import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.config.VaultBackendSettings;
import io.noxus.secretsagent.config.VaultBackendSettings.Auth;
import io.noxus.secretsagent.config.VaultBackendSettings.CertAuth;
import io.noxus.secretsagent.config.VaultBackendSettings.ClientCertificate;
import io.noxus.secretsagent.testsupport.OpenBaoServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to a real OpenBao listener whose certificate is issued (by a test CA made with openssl) for vault.internal
 * only: the CA bundle, the server name, TLS failures, and certificate login.
 */
class VaultTlsIT {
    @TempDir
    static Path dir;
    static OpenBaoServer server;

    @BeforeAll
    static void startServer() throws IOException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=test-ca", "-keyout", "ca-key.pem", "-out", "ca.pem");
        issue("server", "/CN=vault.internal", "subjectAltName=DNS:vault.internal");
        issue("client", "/CN=agent", "extendedKeyUsage=clientAuth");
        server = OpenBaoServer.startWithTlsListener(dir.resolve("bao"), dir.resolve("server.pem"),
                dir.resolve("server-key.pem"));
        VaultFixture.prepare(server, dir);
        server.bao("kv", "put", "kv1/legacy", "api_key=legacy-key");
        server.bao("auth", "enable", "cert");
        server.bao("write", "auth/cert/certs/agent", "certificate=@" + dir.resolve("ca.pem"),
                "token_policies=reader", "token_ttl=1h");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    static VaultBackendSettings tls(Optional<Path> ca, Optional<String> serverName, Optional<ClientCertificate> client,
            Auth auth) {
        return new VaultBackendSettings("vault", URI.create("https://127.0.0.1:" + server.tlsPort()),
                Optional.empty(), ca, serverName, client, Duration.ofSeconds(5), Map.of(), auth);
    }

    static VaultBackend backend(VaultBackendSettings settings) {
        return new VaultBackend(settings, Clock.systemUTC(), name -> null);
    }

    @Test
    void trustsTheConfiguredCaAndAcceptsTheCertificateForTheConfiguredServerName() {
        try (VaultBackend vault = backend(tls(Optional.of(dir.resolve("ca.pem")), Optional.of("vault.internal"),
                Optional.empty(), VaultFixture.tokenFile(server, dir, "reader")))) {
            assertThat(field(vault.fetch(refs("kv1/legacy")), "kv1/legacy", "api_key")).isEqualTo("legacy-key");
        }
    }

    @Test
    void aCertificateForAnotherNameIsAPermanentTlsFailure() {
        try (VaultBackend vault = backend(tls(Optional.of(dir.resolve("ca.pem")), Optional.empty(),
                Optional.empty(), VaultFixture.tokenFile(server, dir, "reader")))) {
            var answers = vault.fetch(refs("kv1/legacy"));
            assertThat(failure(answers, "kv1/legacy")).contains("TLS with https://127.0.0.1:" + server.tlsPort()
                    + " failed").contains("check ca_file, tls_server_name and the client certificate");
            assertThat(isTransient(answers, "kv1/legacy")).isFalse();
        }
    }

    @Test
    void anUnknownCaIsAPermanentTlsFailure() {
        try (VaultBackend vault = backend(tls(Optional.empty(), Optional.of("vault.internal"), Optional.empty(),
                VaultFixture.tokenFile(server, dir, "reader")))) {
            assertThat(failure(vault.fetch(refs("kv1/legacy")), "kv1/legacy")).contains("TLS with");
        }
    }

    @Test
    void logsInWithTheClientCertificate() {
        long logins = server.requestsLogged("auth/cert/login");
        try (VaultBackend vault = backend(tls(Optional.of(dir.resolve("ca.pem")), Optional.of("vault.internal"),
                Optional.of(new ClientCertificate(dir.resolve("client.pem"), dir.resolve("client-key.pem"))),
                new CertAuth("cert", Optional.of("agent"))))) {
            assertThat(field(vault.fetch(refs("kv1/legacy")), "kv1/legacy", "api_key")).isEqualTo("legacy-key");
        }
        assertThat(server.requestsLogged("auth/cert/login") - logins).isEqualTo(1);
    }

    private static void issue(String name, String subject, String extension) throws IOException {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", subject,
                "-keyout", name + "-key.pem", "-out", name + ".csr");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-days", "2", "-extfile", VaultFixture.write(dir.resolve(name + ".ext"), extension + "\n").toString(),
                "-out", name + ".pem");
    }

    private static void openssl(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new AssertionError("openssl " + String.join(" ", args) + " failed (the TLS tests need the "
                        + "openssl command: apt-get install openssl): " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
