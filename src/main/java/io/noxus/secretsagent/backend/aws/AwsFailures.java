package io.noxus.secretsagent.backend.aws;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.RetryAfter;
import io.noxus.secretsagent.secret.Reference;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Turns what the SDK throws, or an error code of a BatchGetSecretValue answer, into a classified
 * {@link BackendException}. Throttling, 5xx, timeouts and unreachable endpoints are transient; a missing secret,
 * a denial, a decryption failure or a refused request are permanent. Messages carry the AWS error code, the HTTP
 * status and the request id, never an AWS message text, a response body or a credential.
 */
final class AwsFailures {
    private static final Set<String> THROTTLED = Set.of("ThrottlingException", "Throttling", "TooManyRequestsException",
            "RequestLimitExceeded", "SlowDown", "RequestThrottled", "RequestThrottledException");
    private static final Set<String> BAD_CREDENTIALS = Set.of("UnrecognizedClientException", "InvalidClientTokenId",
            "InvalidSignatureException", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
            "AuthFailure");

    private final String where;
    private final Duration timeout;
    private final String roleArn;
    private final Clock clock;

    /** @param where the backend and region, as messages should name them */
    AwsFailures(String where, Duration timeout, String roleArn, Clock clock) {
        this.where = where;
        this.timeout = timeout;
        this.roleArn = roleArn;
        this.clock = clock;
    }

    /** True when the call failed because the service throttled it (counted for the metrics). */
    static boolean throttled(Throwable e) {
        if (!(e instanceof AwsServiceException service)) {
            return false;
        }
        String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
        return service.isThrottlingException() || service.statusCode() == 429 || code != null && THROTTLED.contains(code);
    }

    /** A failure reported inside a BatchGetSecretValue answer: an error code, no status. */
    BackendException ofCode(Reference ref, String code) {
        return classify(code == null ? "" : code, 0, false).on(ref);
    }

    BackendException of(Reference ref, Throwable e) {
        StsException sts = find(e, StsException.class);
        if (sts != null) {
            Verdict inner = service(sts);
            return new Verdict(inner.transientFailure(), "assume_role " + roleArn + " failed: " + inner.reason(),
                    inner.retryAfter()).on(ref);
        }
        if (e instanceof AwsServiceException service) {
            return service(service).on(ref);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
                || find(e, SocketTimeoutException.class) != null || find(e, InterruptedIOException.class) != null) {
            return new BackendException(ref, true, where + " gave no complete answer within "
                    + timeout.toSeconds() + " s (request_timeout_seconds); will retry");
        }
        IOException io = find(e, IOException.class);
        if (io != null) {
            return new BackendException(ref, true, "cannot reach " + where + " (" + io.getClass().getSimpleName()
                    + "); check the network, proxy and endpoint; will retry");
        }
        String message = String.valueOf(e.getMessage());
        if (e instanceof SdkClientException && message.startsWith("Unable to load credentials")) {
            return new BackendException(ref, false, "no AWS credentials found for " + where + ": set them in the "
                    + "environment, a profile (profile:), a web identity token, or give the machine an instance or "
                    + "container role");
        }
        if (e instanceof SdkClientException && message.startsWith("Unable to load region")) {
            return new BackendException(ref, false, "no AWS region for " + where + ": set region: in the backend, "
                    + "or AWS_REGION");
        }
        return new BackendException(ref, true, "the AWS SDK failed to call " + where + " ("
                + e.getClass().getSimpleName() + "); will retry");
    }

    private Verdict service(AwsServiceException e) {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
        Verdict verdict = classify(code, e.statusCode(), e.isThrottlingException());
        String id = e.requestId() == null || e.requestId().isEmpty() ? "" : ", request id " + e.requestId();
        Optional<Duration> retryAfter = !verdict.transientFailure() || e.awsErrorDetails() == null
                || e.awsErrorDetails().sdkHttpResponse() == null ? Optional.empty()
                : e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After")
                        .flatMap(h -> RetryAfter.parse(h, clock.instant()));
        return new Verdict(verdict.transientFailure(), verdict.reason() + " (HTTP " + e.statusCode() + id + ")",
                retryAfter);
    }

    private Verdict classify(String code, int status, boolean throttled) {
        String says = where + " answered " + (code.isEmpty() ? "an error" : code) + ": ";
        if (throttled || THROTTLED.contains(code) || status == 429) {
            return new Verdict(true, says + "requests are throttled; will retry with backoff");
        }
        switch (code) {
            case "ResourceNotFoundException":
                return new Verdict(false, says + "no such secret (or version) in this account and region; check "
                        + "the name or ARN, the version pin and the region");
            case "AccessDeniedException", "AccessDenied":
                return new Verdict(false, says + "these credentials may not read this secret; allow "
                        + "secretsmanager:GetSecretValue on it (and kms:Decrypt on its KMS key)");
            case "DecryptionFailure":
                return new Verdict(false, says + "Secrets Manager cannot decrypt the secret with its KMS key; check "
                        + "that the key is enabled and its policy allows these credentials kms:Decrypt");
            case "InvalidRequestException":
                return new Verdict(false, says + "the secret cannot be read in its current state (for example it "
                        + "is scheduled for deletion); restore it or fix the reference");
            case "InvalidParameterException", "ValidationException":
                return new Verdict(false, says + "the request was refused as invalid; check the secret id and the "
                        + "version pin");
            case "ExpiredTokenException", "ExpiredToken":
                return new Verdict(true, says + "the credentials have expired; they are refreshed on the next "
                        + "attempt");
            case "InternalServiceError", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException":
                return new Verdict(true, says + "a server-side failure; will retry");
            default:
                break;
        }
        if (code.isEmpty() && status == 403) {
            return new Verdict(false, says + "access refused; check the credentials and that their IAM policy "
                    + "allows secretsmanager:GetSecretValue (and BatchGetSecretValue) on this secret");
        }
        if (BAD_CREDENTIALS.contains(code)) {
            return new Verdict(false, says + "AWS refused the credentials; check the access key, profile or role, "
                    + "and the machine's clock");
        }
        boolean transientFailure = status == 0 || status >= 500;
        return new Verdict(transientFailure, says + (transientFailure ? "will retry"
                : "the request was refused; check the reference and the credentials"));
    }

    /** Whether a failure is worth a retry, and why it happened (without the reference). */
    private record Verdict(boolean transientFailure, String reason, Optional<Duration> retryAfter) {
        Verdict(boolean transientFailure, String reason) {
            this(transientFailure, reason, Optional.empty());
        }

        BackendException on(Reference ref) {
            return new BackendException(ref, transientFailure, reason, retryAfter);
        }
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
