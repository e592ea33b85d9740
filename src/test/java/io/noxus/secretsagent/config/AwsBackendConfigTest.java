package io.noxus.secretsagent.config;

import static io.noxus.secretsagent.config.ConfigLoaderTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The aws-secrets-manager backend settings: one fixture per rule, the whole message compared. */
class AwsBackendConfigTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        bad-aws-region.yaml                | {file}: backends.aws.region: 'US-EAST-1' is not an AWS region name (e.g. us-east-1, eu-central-1)
        bad-aws-endpoint.yaml              | {file}: backends.aws.endpoint: 'vpce-0abc.secretsmanager.local:443' is not an http(s) URL with a host and no user, query or fragment (e.g. https://vpce-0abc.secretsmanager.us-east-1.vpce.amazonaws.com)
        bad-aws-role-arn.yaml              | {file}: backends.aws.assume_role.role_arn: 'noxus-reader' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)
        bad-aws-session-name.yaml          | {file}: backends.aws.assume_role.session_name: 'noxus agent' must be 2 to 64 letters, digits or +=,.@_- characters
        bad-aws-external-id.yaml           | {file}: backends.aws.assume_role.external_id: must be 2 to 1224 letters, digits or +=,.@:/_- characters
        bad-aws-timeout.yaml               | {file}: backends.aws.request_timeout_seconds: at most 300 seconds; the cycle retries a call that timed out
        bad-aws-credentials-in-config.yaml | {file}: backends.aws.secret_access_key: credentials never go in the config file: the agent takes them from the AWS SDK chain (environment, web identity, instance or container role) or a shared profile (profile:); remove this key
        bad-aws-unknown-key.yaml           | {file}: backends.aws.regoin: unknown key; expected one of assume_role, endpoint, profile, region, request_timeout_seconds, type. Remove it or fix its spelling
        """)
    void rejectsEachBadAwsBackendWithOneLocatedMessage(String name, String expected) {
        Path file = fixture(name);
        assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOf(ConfigException.class)
                .hasMessage(expected.replace("{file}", file.toString()));
    }

    @Test
    void readsEverySettingAndDefaultsTheRest() {
        AgentConfig config = ConfigLoader.load(fixture("good-aws.yaml"));
        assertThat(config.backends().get("aws")).isEqualTo(new AwsBackendSettings("aws", Optional.of("eu-central-1"),
                Optional.of(URI.create("https://vpce-0abc.secretsmanager.eu-central-1.vpce.amazonaws.com")),
                Optional.of("noxus"), Optional.of(new AwsBackendSettings.AssumeRole(
                        "arn:aws:iam::123456789012:role/noxus-reader", "noxus-secrets-agent",
                        Optional.of("noxus-prod"), Optional.of(URI.create("https://sts.eu-central-1.amazonaws.com")))),
                Duration.ofSeconds(5)));
        assertThat(config.backends().get("aws-default")).isEqualTo(new AwsBackendSettings("aws-default",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(10)));
        assertThat(config.mappings().get(0).ref().path())
                .isEqualTo("arn:aws:secretsmanager:eu-central-1:123456789012:secret:noxus/db-AbCdEf");
        assertThat(config.mappings().get(0).ref().field()).contains("url");
    }
}
