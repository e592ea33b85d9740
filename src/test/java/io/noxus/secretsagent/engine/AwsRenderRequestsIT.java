package io.noxus.secretsagent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.RenderRequest;
import io.noxus.secretsagent.testsupport.MotoServer;
import io.noxus.secretsagent.testsupport.TestHosts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * How many requests moto receives for N aws: secrets on a first render and on an unchanged second render in one
 * process (the daemon's case: one backend instance, one render per cycle): ceil(N/20) BatchGetSecretValue each.
 */
class AwsRenderRequestsIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();
    static final int N = 50;

    @TempDir
    Path dir;

    @Test
    void fiftySecretsTakeThreeCallsOnTheFirstAndOnAnUnchangedSecondRender() {
        MOTO.reset();
        try (SecretsManagerClient admin = MOTO.secretsManager()) {
            IntStream.range(0, N).forEach(i -> admin.createSecret(b -> b.name("noxus/s" + i).secretString("v" + i)));
        }
        StringBuilder mappings = new StringBuilder();
        IntStream.range(0, N).forEach(i -> mappings.append("  - {env: S").append(i).append(", ref: \"aws:noxus/s")
                .append(i).append("\", scope: global}\n"));
        TestInstall install = new TestInstall(dir).secrets("REDIS: \"r\"\n").config(TestInstall.SERVICES
                .replace("  file: {type: file, path: secrets.yaml}\n", "  file: {type: file, path: secrets.yaml}\n"
                        + "  aws: {type: aws-secrets-manager, region: us-east-1, endpoint: \"" + MOTO.endpoint()
                        + "\"}\n")
                + "mappings:\n  - {env: REDIS, ref: \"file:REDIS\", scope: global}\n" + mappings);

        try (Agent context = Agent.open(install.configFile(), TestHosts.quiet())) {
            MOTO.startRecording();
            RenderReport first = render(context);
            List<String> firstCalls = MOTO.recordedCalls();
            MOTO.startRecording();
            RenderReport second = render(context);
            List<String> secondCalls = MOTO.recordedCalls();

            assertThat(first.outputs()).allSatisfy(o -> assertThat(o.status()).isEqualTo(OutputResult.Status.CREATED));
            assertThat(second.outputs()).allSatisfy(o -> assertThat(o.status())
                    .isEqualTo(OutputResult.Status.UNCHANGED));
            assertThat(firstCalls).isEqualTo(Collections.nCopies(3, "secretsmanager.BatchGetSecretValue"));
            assertThat(secondCalls).isEqualTo(Collections.nCopies(3, "secretsmanager.BatchGetSecretValue"));
        }
        assertThat(install.variables("backend.env")).containsEntry("S49", "v49").containsEntry("REDIS", "r")
                .hasSize(N + 1);
    }

    private static RenderReport render(Agent agent) {
        return agent.render(RenderRequest.all(Duration.ofSeconds(1))).report();
    }
}
