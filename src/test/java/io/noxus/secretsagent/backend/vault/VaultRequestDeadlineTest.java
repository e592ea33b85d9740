package io.noxus.secretsagent.backend.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noxus.secretsagent.backend.Deadlines;
import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.testsupport.Answers;
import io.noxus.secretsagent.config.VaultBackendSettings;
import io.noxus.secretsagent.config.VaultBackendSettings.AppRoleAuth;
import io.noxus.secretsagent.config.VaultBackendSettings.Auth;
import io.noxus.secretsagent.config.VaultBackendSettings.TokenAuth;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.testsupport.HostileServer;
import io.noxus.secretsagent.testsupport.HostileServer.Behaviour;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import io.noxus.secretsagent.testsupport.Timed;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every call through {@link VaultHttp} is bounded as a whole by request_timeout_seconds, against servers that accept
 * and then stall: silent, dripping the body, dripping the headers. Bounds are behaviour (the call ends, and not much
 * later than the deadline), not performance figures.
 */
class VaultRequestDeadlineTest {
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Time to fail must stay under the deadline plus this. */
    /** Generous: the point is "bounded" (about the timeout) against "never ends"; a loaded CI host is slow. */
    static final Duration SLACK = Duration.ofSeconds(6);
    static final String TOKEN_ENV = "NOXUS_TEST_VAULT_TOKEN";

    @TempDir
    Path dir;
    HostileServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(value = Behaviour.class, names = {"SILENT", "DRIPPING", "DRIP_HEADERS"})
    void aTokenLoginThatNeverCompletesFailsEveryReferenceAsTransientAtTheDeadline(Behaviour behaviour) {
        server = HostileServer.start(behaviour);
        VaultBackend backend = backend(new TokenAuth(Optional.of(TOKEN_ENV), Optional.empty()));

        Timed<Map<Reference, Fetched>> timed = Timed.of(() -> backend.fetch(Set.of(
                Reference.parse("vault:secret/noxus/platform#url"), Reference.parse("vault:kv1/finance#key"))));
        Map<Reference, Fetched> answers = timed.value();
        Duration took = timed.took();

        assertThat(took).as("time to fail").isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100))
                .isLessThan(TIMEOUT.plus(SLACK));
        assertThat(answers).hasSize(2).allSatisfy((ref, answer) -> {
            BackendException e = Answers.failure(answer);
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).isEqualTo(ref + ": backend vault (" + server.address() + "): cannot get a "
                    + "token: no complete answer to auth/token/lookup-self within 2 s (request_timeout_seconds)");
        });
        assertThat(server.connections()).as("one attempt: no hidden re-send by the JDK").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Behaviour.class, names = {"SILENT", "DRIPPING", "DRIP_HEADERS"})
    void anAppRoleLoginPostThatNeverCompletesFailsAsTransientAtTheDeadline(Behaviour behaviour) {
        server = HostileServer.start(behaviour);
        AppRoleAuth appRole = new AppRoleAuth("approle", PrivateFiles.write(dir, "role-id", "role-1"),
                PrivateFiles.write(dir, "secret-id", "secret-1"), false);

        Timed<Map<Reference, Fetched>> timed = Timed.of(() -> backend(appRole)
                .fetch(Set.of(Reference.parse("vault:secret/a#b"))));
        Map<Reference, Fetched> answers = timed.value();
        Duration took = timed.took();

        assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100)).isLessThan(TIMEOUT.plus(SLACK));
        BackendException e = Answers.failure(answers.get(Reference.parse("vault:secret/a#b")));
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).endsWith("cannot get a token: no complete answer to auth/approle/login within 2 s "
                + "(request_timeout_seconds)");
        assertThat(server.connections()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Behaviour.class, names = {"SILENT", "DRIPPING", "DRIP_HEADERS"})
    void aKvReadThatNeverCompletesIsTimedOutAtTheDeadline(Behaviour behaviour) {
        server = HostileServer.start(behaviour);

        Timed<VaultCallException> timed = Timed.of(() -> failedGet("secret/data/noxus/platform?version=3"));
        VaultCallException e = timed.value();
        Duration took = timed.took();

        assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100)).isLessThan(TIMEOUT.plus(SLACK));
        assertThat(e.kind()).isEqualTo(VaultCallException.Kind.TIMED_OUT);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).isEqualTo("no complete answer to secret/data/noxus/platform?version=3 within 2 s "
                + "(request_timeout_seconds)");
        assertThat(server.connections()).isEqualTo(1);
    }

    /**
     * The documented limit: once the body has started, a read already blocked when the deadline passes ends at its
     * own per-read timeout (request_timeout_seconds), so the worst case is about twice the timeout, never unbounded.
     */
    @Test
    void aBodyThatStopsJustBeforeTheDeadlineEndsWithinTwiceTheTimeout() {
        server = HostileServer.start(Behaviour.STALLED_BODY);

        Timed<VaultCallException> timed = Timed.of(() -> failedGet("secret/data/noxus/platform"));
        VaultCallException e = timed.value();
        Duration took = timed.took();

        assertThat(took).isLessThan(TIMEOUT.multipliedBy(2).plus(SLACK));
        assertThat(e.kind()).isEqualTo(VaultCallException.Kind.TIMED_OUT);
    }

    @Test
    void answeredRequestsLeaveNoTimerBehindAndShareOneDeadlineThread() throws IOException {
        HttpServer good = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        good.createContext("/", exchange -> {
            byte[] json = "{\"data\": {}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, json.length);
            exchange.getResponseBody().write(json);
            exchange.close();
        });
        good.start();
        server = HostileServer.start(Behaviour.SILENT); // closed by stop()
        try {
            VaultHttp http = new VaultHttp(new VaultBackendSettings("vault", URI.create("http://127.0.0.1:"
                    + good.getAddress().getPort()), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), TIMEOUT, Map.of(), new TokenAuth(Optional.of(TOKEN_ENV), Optional.empty())));
            for (int i = 0; i < 20; i++) {
                assertThat(http.get("secret/data/a", "s.token").has("data")).isTrue();
            }
            assertThat(Deadlines.shared().pending()).as("timers pending after 20 answered calls").isZero();
            assertThat(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("noxus-http-deadlines"))).as("deadline threads").hasSize(1);
        } finally {
            good.stop(0);
        }
    }

    @Test
    void aConnectionCutAtTheDeadlineIsNotReusedForTheNextRequest() {
        server = HostileServer.start(Behaviour.DRIPPING);
        VaultHttp http = new VaultHttp(settings(new TokenAuth(Optional.of(TOKEN_ENV), Optional.empty())));

        for (int i = 1; i <= 2; i++) {
            assertThatThrownBy(() -> http.get("secret/metadata/a", "s.token"))
                    .isInstanceOfSatisfying(VaultCallException.class,
                            e -> assertThat(e.kind()).isEqualTo(VaultCallException.Kind.TIMED_OUT));
            assertThat(server.connections()).as("request %d on a fresh connection, not the half-read one", i)
                    .isEqualTo(i);
        }
    }

    private VaultCallException failedGet(String apiPath) {
        VaultHttp http = new VaultHttp(settings(new TokenAuth(Optional.of(TOKEN_ENV), Optional.empty())));
        try {
            http.get(apiPath, "s.token");
        } catch (VaultCallException e) {
            return e;
        }
        throw new AssertionError("a stalled server gave an answer to " + apiPath);
    }

    private VaultBackend backend(Auth auth) {
        return new VaultBackend(settings(auth), Clock.systemUTC(), name -> TOKEN_ENV.equals(name) ? "s.token" : null);
    }

    private VaultBackendSettings settings(Auth auth) {
        return new VaultBackendSettings("vault", server.address(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), TIMEOUT, Map.of("secret", 2, "kv1", 1), auth);
    }
}
