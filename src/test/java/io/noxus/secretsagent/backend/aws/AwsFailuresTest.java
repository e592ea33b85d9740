package io.noxus.secretsagent.backend.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.secret.Reference;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import software.amazon.awssdk.http.SdkHttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * The classification of errors moto cannot produce (throttling, 5xx, KMS decryption failures): the SDK's own
 * exception types, built as the SDK builds them from a response.
 */
class AwsFailuresTest {
    private static final Reference REF = Reference.parse("aws:noxus/db");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final AwsFailures failures = new AwsFailures("AWS Secrets Manager (backend 'aws', region eu-west-1)",
            Duration.ofSeconds(7), "arn:aws:iam::123456789012:role/r", CLOCK);

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
        ThrottlingException           | 400 | true  | requests are throttled; will retry with backoff (HTTP 400, request id r-1)
        TooManyRequestsException      | 429 | true  | requests are throttled
        ''                            | 429 | true  | requests are throttled
        InternalServiceError          | 500 | true  | a server-side failure; will retry
        ''                            | 503 | true  | answered an error: will retry (HTTP 503
        ResourceNotFoundException     | 400 | false | no such secret (or version)
        AccessDeniedException         | 400 | false | these credentials may not read this secret
        DecryptionFailure             | 400 | false | cannot decrypt the secret with its KMS key
        InvalidRequestException       | 400 | false | cannot be read in its current state
        InvalidParameterException     | 400 | false | refused as invalid
        UnrecognizedClientException   | 400 | false | AWS refused the credentials
        ExpiredTokenException         | 400 | true  | the credentials have expired
        SomethingNew                  | 400 | false | answered SomethingNew: the request was refused
        """)
    void serviceErrorsAreClassifiedByCodeAndStatus(String code, int status, boolean transientFailure, String part) {
        SecretsManagerException e = (SecretsManagerException) SecretsManagerException.builder().statusCode(status)
                .requestId("r-1").awsErrorDetails(AwsErrorDetails.builder().errorCode(code.isEmpty() ? null : code)
                        .errorMessage("server text " + "CANARY").build()).build();
        BackendException failure = failures.of(REF, e);
        assertThat(failure.isTransient()).isEqualTo(transientFailure);
        assertThat(failure.getMessage()).startsWith("aws:noxus/db: AWS Secrets Manager (backend 'aws', region "
                + "eu-west-1) answered ").contains(part).doesNotContain("CANARY");
    }

    @Test
    void aThrottlingAnswerCarriesTheServersRetryAfterHint() {
        SecretsManagerException e = (SecretsManagerException) SecretsManagerException.builder().statusCode(429)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException")
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(429)
                                .putHeader("Retry-After", "Thu, 01 Jan 2026 00:00:42 GMT").build()).build()).build();
        BackendException failure = failures.of(REF, e);
        assertThat(failure.isTransient()).isTrue();
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(42));
        assertThat(failure.getMessage()).endsWith("(the server asks to wait 42 s)");
        assertThat(AwsFailures.throttled(e)).as("counted as a throttle for the metrics").isTrue();
        assertThat(AwsFailures.throttled(SecretsManagerException.builder().statusCode(400).awsErrorDetails(
                AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build()).build())).isFalse();
        assertThat(AwsFailures.throttled(SecretsManagerException.builder().statusCode(400).build()))
                .as("an error without a code (an access denied batch, say) is no throttle, and no crash").isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        DecryptionFailure            | false
        InternalServiceError         | true
        ThrottlingException          | true
        ResourceNotFoundException    | false
        ''                           | true
        """)
    void batchEntryErrorsAreClassifiedByCode(String code, boolean transientFailure) {
        assertThat(failures.ofCode(REF, code).isTransient()).isEqualTo(transientFailure);
    }

    @org.junit.jupiter.api.Test
    void networkFailuresAndTimeoutsAreTransient() {
        assertThat(failures.of(REF, SdkClientException.create("x", new ConnectException("refused"))))
                .satisfies(e -> assertThat(e.isTransient()).isTrue())
                .hasMessageContaining("cannot reach AWS Secrets Manager (backend 'aws', region eu-west-1) "
                        + "(ConnectException)");
        assertThat(failures.of(REF, SdkClientException.create("x", new UnknownHostException("h"))).isTransient())
                .isTrue();
        assertThat(failures.of(REF, SdkClientException.create("x", new SocketTimeoutException("t"))))
                .hasMessageContaining("gave no complete answer within 7 s (request_timeout_seconds); will retry");
        assertThat(failures.of(REF, ApiCallTimeoutException.create(7000)))
                .satisfies(e -> assertThat(e.isTransient()).isTrue())
                .hasMessageContaining("gave no complete answer within 7 s");
        assertThat(failures.of(REF, ApiCallAttemptTimeoutException.create(7000)))
                .satisfies(e -> assertThat(e.isTransient()).isTrue())
                .hasMessageContaining("gave no complete answer within 7 s");
    }

    @org.junit.jupiter.api.Test
    void missingCredentialsOrRegionArePermanent() {
        assertThat(failures.of(REF, SdkClientException.create("Unable to load credentials from any of the "
                + "providers in the chain")))
                .satisfies(e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("no AWS credentials found");
        assertThat(failures.of(REF, SdkClientException.create("Unable to load region from any of the providers")))
                .satisfies(e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("set region: in the backend");
    }

    @org.junit.jupiter.api.Test
    void anAssumeRoleFailureNamesTheRole() {
        StsException denied = (StsException) StsException.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build()).build();
        BackendException e = failures.of(REF, SdkClientException.create("wrapped", denied));
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).startsWith("aws:noxus/db: assume_role arn:aws:iam::123456789012:role/r failed: "
                + "AWS Secrets Manager");
    }
}
