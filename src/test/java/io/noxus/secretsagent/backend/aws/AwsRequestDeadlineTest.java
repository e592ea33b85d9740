package io.noxus.secretsagent.backend.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.testsupport.Answers;
import io.noxus.secretsagent.config.AwsBackendSettings;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.testsupport.HostileServer;
import io.noxus.secretsagent.testsupport.HostileServer.Behaviour;
import io.noxus.secretsagent.testsupport.MotoServer;
import io.noxus.secretsagent.testsupport.Timed;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every Secrets Manager call is bounded as a whole by request_timeout_seconds (the SDK's call and attempt timeouts),
 * against servers that accept and then stall; one attempt, classified transient. A fresh backend per test, so the
 * SDK's start-up is inside the measured time, as in a one-shot render.
 */
class AwsRequestDeadlineTest {
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Generous: the point is "bounded" (about the timeout) against "never ends"; a loaded CI host is slow. */
    static final Duration SLACK = Duration.ofSeconds(6);

    HostileServer server;

    @BeforeAll
    static void credentialsAndAWarmSdk() {
        // static test keys for the SDK's default chain, as MotoServer gives them; the hostile server ignores them
        System.setProperty("aws.accessKeyId", MotoServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", MotoServer.SECRET_KEY);
        // The SDK's first client in a JVM takes 1.5-3 s of class loading before any call (and its timer) starts;
        // that is start-up, not the deadline, so it is paid here, once (docs/backend-aws.md has both figures).
        try (HostileServer refused = HostileServer.start(Behaviour.SILENT)) {
            refused.close();
            try (AwsSecretsManagerBackend backend = backend(refused)) {
                backend.fetch(Set.of(Reference.parse("aws:warm-up")));
            }
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(value = Behaviour.class, names = {"SILENT", "DRIPPING", "DRIP_HEADERS"})
    void aBatchReadThatNeverCompletesFailsItsReferencesAsTransientAtTheDeadline(Behaviour behaviour) {
        server = HostileServer.start(behaviour);
        Reference platform = Reference.parse("aws:noxus/platform#database_url");
        Reference signing = Reference.parse("aws:noxus/signing-key");

        Timed<Map<Reference, Fetched>> fetched = fetch(Set.of(platform, signing));
        Map<Reference, Fetched> answers = fetched.value();
        Duration took = fetched.took();

        assertThat(took).as("time to fail").isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100))
                .isLessThan(TIMEOUT.plus(SLACK));
        assertThat(answers).hasSize(2).allSatisfy((ref, answer) -> {
            BackendException e = Answers.failure(answer);
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).isEqualTo(ref + ": AWS Secrets Manager (backend 'aws', region us-east-1, "
                    + "endpoint " + server.address() + ") gave no complete answer within 2 s "
                    + "(request_timeout_seconds); will retry");
        });
        assertThat(server.connections()).as("one attempt: the SDK does not retry").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Behaviour.class, names = {"SILENT", "DRIPPING", "DRIP_HEADERS"})
    void aStagePinnedReadThatNeverCompletesFailsAsTransientAtTheDeadline(Behaviour behaviour) {
        server = HostileServer.start(behaviour);
        Reference pinned = Reference.parse("aws:noxus/platform?version_stage=AWSPREVIOUS#database_url");

        Timed<Map<Reference, Fetched>> fetched = fetch(Set.of(pinned));
        Map<Reference, Fetched> answers = fetched.value();
        Duration took = fetched.took();

        assertThat(took).isLessThan(TIMEOUT.plus(SLACK));
        BackendException e = Answers.failure(answers.get(pinned));
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).contains("gave no complete answer within 2 s");
        assertThat(server.connections()).isEqualTo(1);
    }

    /** As with Vault: a read already blocked in the body when the deadline passes ends at its socket timeout. */
    @Test
    void aBodyThatStopsJustBeforeTheDeadlineEndsWithinTwiceTheTimeout() {
        server = HostileServer.start(Behaviour.STALLED_BODY);
        Reference ref = Reference.parse("aws:noxus/platform");

        Timed<Map<Reference, Fetched>> fetched = fetch(Set.of(ref));
        Map<Reference, Fetched> answers = fetched.value();
        Duration took = fetched.took();

        assertThat(took).isLessThan(TIMEOUT.multipliedBy(2).plus(SLACK));
        assertThat(Answers.failure(answers.get(ref)).isTransient()).isTrue();
    }

    /**
     * The deadlines run on the process's two shared timer threads, whatever the number of clients: the SDK's own
     * five-thread pool per client (threads that never end) is not started.
     */
    @Test
    void deadlinesOfManyClientsRunOnTwoSharedTimerThreadsAndTheSdkStartsNoPoolOfItsOwn() {
        server = HostileServer.start(Behaviour.SILENT);
        Reference ref = Reference.parse("aws:noxus/platform");

        List<AwsSecretsManagerBackend> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                AwsSecretsManagerBackend backend = backend(server);
                open.add(backend);
                assertThat(Answers.failure(backend.fetch(Set.of(ref)).get(ref)).isTransient()).isTrue();
            }

            assertThat(threadsNamed("sdk-ScheduledExecutor")).isZero();
            assertThat(threadsNamed("noxus-aws-timeouts")).isBetween(1L, (long) SdkTimers.THREADS);
        } finally {
            open.forEach(AwsSecretsManagerBackend::close);
        }
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    private Timed<Map<Reference, Fetched>> fetch(Set<Reference> refs) {
        return Timed.of(() -> {
            try (AwsSecretsManagerBackend backend = backend(server)) {
                return backend.fetch(refs);
            }
        });
    }

    private static AwsSecretsManagerBackend backend(HostileServer at) {
        return new AwsSecretsManagerBackend(new AwsBackendSettings("aws", Optional.of("us-east-1"),
                Optional.of(at.address()), Optional.empty(), Optional.empty(), TIMEOUT), Clock.systemUTC());
    }
}
