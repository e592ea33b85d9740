package io.noxus.secretsagent.backend.aws;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.backend.RotationSchedule;
import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.backend.SecretDocument;
import io.noxus.secretsagent.config.AwsBackendSettings;
import io.noxus.secretsagent.secret.Reference;
import java.util.ArrayList;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.APIErrorType;
import software.amazon.awssdk.services.secretsmanager.model.BatchGetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretValueEntry;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Secrets from AWS Secrets Manager with the fewest calls: current versions come in BatchGetSecretValue calls of up
 * to 20 secrets (one call per 20 distinct secrets, on every fetch: it is also the cheapest strongly consistent way
 * to learn whether a version moved); a secret pinned to a stage takes one GetSecretValue per fetch; a secret pinned
 * to a version id takes one call in the life of the process (a version's content never changes). Documents are kept
 * with their version id, so an unchanged version is not parsed again. When the credentials may not call
 * BatchGetSecretValue, the backend falls back to one GetSecretValue per secret for the rest of the process.
 *
 * <p>The SDK client is built on the first fetch (a config check never touches the network or the credential
 * chain), with one attempt per call: the cycle owns retries.
 */
public final class AwsSecretsManagerBackend implements SecretBackend {
    static final int BATCH_LIMIT = 20;
    private static final Logger LOG = LoggerFactory.getLogger(AwsSecretsManagerBackend.class);

    private final AwsBackendSettings settings;
    private final Clock clock;
    private final Map<SecretAddress, SecretDocument> known = new HashMap<>();
    private AwsClients clients;
    private boolean batchDenied;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong throttles = new AtomicLong();

    public AwsSecretsManagerBackend(AwsBackendSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public synchronized Map<Reference, Fetched> fetch(Set<Reference> documents) {
        Map<Reference, Fetched> out = new LinkedHashMap<>();
        Map<Reference, SecretAddress> addresses = new LinkedHashMap<>();
        for (Reference ref : documents) {
            try {
                addresses.put(ref, SecretAddress.parse(ref));
            } catch (BackendException e) {
                out.put(ref, Fetched.failed(e));
            }
        }
        if (addresses.isEmpty()) {
            return out;
        }
        try {
            if (clients == null) {
                clients = AwsClients.create(settings);
            }
        } catch (RuntimeException e) {
            AwsFailures failures = failures(settings.region());
            for (Reference ref : addresses.keySet()) {
                out.put(ref, Fetched.failed(failures.of(ref, e)));
            }
            return out;
        }
        AwsFailures failures = failures(Optional.of(clients.region().id()));
        Call call = new Call(clients.secretsManager(), failures, out);
        Map<String, List<Reference>> current = new LinkedHashMap<>();
        addresses.forEach((ref, address) -> {
            if (address.current()) {
                current.computeIfAbsent(address.secretId(), id -> new ArrayList<>()).add(ref);
            }
        });
        List<String> ids = new ArrayList<>(current.keySet());
        for (int from = 0; from < ids.size(); from += BATCH_LIMIT) {
            call.batch(ids.subList(from, Math.min(ids.size(), from + BATCH_LIMIT)), current, addresses);
        }
        addresses.forEach((ref, address) -> {
            if (!address.current()) {
                call.one(ref, address);
            }
        });
        return out;
    }

    /** One DescribeSecret per secret (pins share their secret's); a secret it cannot describe is left out. */
    @Override
    public synchronized Map<Reference, RotationSchedule> schedules(Set<Reference> documents) {
        Map<Reference, RotationSchedule> out = new LinkedHashMap<>();
        Map<String, RotationSchedule> bySecret = new HashMap<>();
        try {
            if (clients == null) {
                clients = AwsClients.create(settings);
            }
        } catch (RuntimeException e) {
            return out;
        }
        for (Reference ref : documents) {
            String id;
            try {
                id = SecretAddress.parse(ref).secretId();
            } catch (BackendException e) {
                continue;
            }
            RotationSchedule schedule = bySecret.computeIfAbsent(id, secretId -> {
                try {
                    DescribeSecretResponse d = clients.secretsManager().describeSecret(b -> b.secretId(secretId));
                    return new RotationSchedule(Boolean.TRUE.equals(d.rotationEnabled()),
                            Optional.ofNullable(d.lastRotatedDate()), Optional.ofNullable(d.nextRotationDate()));
                } catch (RuntimeException e) {
                    LOG.warn("backend '{}': cannot describe {} for its rotation schedule ({}); allow "
                            + "secretsmanager:DescribeSecret to see it", settings.name(), secretId,
                            e.getClass().getSimpleName());
                    return null;
                }
            });
            if (schedule != null) {
                out.put(ref, schedule);
            }
        }
        return out;
    }

    private AwsFailures failures(Optional<String> region) {
        String where = "AWS Secrets Manager (backend '" + settings.name() + "'"
                + region.map(r -> ", region " + r).orElse("")
                + settings.endpoint().map(e -> ", endpoint " + e).orElse("") + ")";
        return new AwsFailures(where, settings.requestTimeout(),
                settings.assumeRole().map(AwsBackendSettings.AssumeRole::roleArn).orElse(""), clock);
    }

    /** Secrets Manager API calls made so far (a credential provider's own STS calls are not counted). */
    @Override
    public long requests() {
        return requests.get();
    }

    @Override
    public long throttles() {
        return throttles.get();
    }

    /** Counts one API call; a throttled failure is counted again as a throttle. */
    private <T> T counted(Supplier<T> call) {
        requests.incrementAndGet();
        try {
            return call.get();
        } catch (RuntimeException e) {
            if (AwsFailures.throttled(e)) {
                throttles.incrementAndGet();
            }
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (clients != null) {
            clients.close();
            clients = null;
        }
    }

    /** The calls of one fetch, answering into {@code out}. */
    private final class Call {
        private final SecretsManagerClient client;
        private final AwsFailures failures;
        private final Map<Reference, Fetched> out;

        Call(SecretsManagerClient client, AwsFailures failures, Map<Reference, Fetched> out) {
            this.client = client;
            this.failures = failures;
            this.out = out;
        }

        void batch(List<String> ids, Map<String, List<Reference>> refsById, Map<Reference, SecretAddress> addresses) {
            if (batchDenied) {
                ids.forEach(id -> refsById.get(id).forEach(ref -> one(ref, addresses.get(ref))));
                return;
            }
            BatchGetSecretValueResponse answer;
            try {
                answer = counted(() -> client.batchGetSecretValue(b -> b.secretIdList(ids)));
            } catch (SecretsManagerException e) {
                if (isAccessDenied(e)) {
                    batchDenied = true;
                    LOG.warn("backend '{}': these credentials may not call BatchGetSecretValue; reading one secret "
                            + "per GetSecretValue call from now on (allow secretsmanager:BatchGetSecretValue for "
                            + "fewer calls)", settings.name());
                    batch(ids, refsById, addresses);
                    return;
                }
                failAll(ids, refsById, e);
                return;
            } catch (RuntimeException e) {
                failAll(ids, refsById, e);
                return;
            }
            Map<String, String> errors = new HashMap<>();
            for (APIErrorType error : answer.errors()) {
                errors.put(error.secretId(), error.errorCode());
            }
            for (String id : ids) {
                Optional<SecretValueEntry> entry = match(id, answer.secretValues());
                for (Reference ref : refsById.get(id)) {
                    if (entry.isPresent()) {
                        SecretValueEntry e = entry.get();
                        answer(ref, addresses.get(ref), e.versionId(), e.createdDate(), e.secretString(),
                                e.secretBinary());
                    } else if (errors.containsKey(id)) {
                        out.put(ref, Fetched.failed(failures.ofCode(ref, errors.get(id))));
                    } else {
                        out.put(ref, Fetched.failed(new BackendException(ref, true, "BatchGetSecretValue gave "
                                + "neither a value nor an error for this secret; will retry")));
                    }
                }
            }
        }

        void one(Reference ref, SecretAddress address) {
            SecretDocument pinned = address.versionId().map(v -> known.get(address)).orElse(null);
            if (pinned != null) {
                out.put(ref, Fetched.of(pinned));
                return;
            }
            try {
                GetSecretValueResponse answer = counted(() -> client.getSecretValue(b -> b.secretId(address.secretId())
                        .versionStage(address.versionStage().orElse(null))
                        .versionId(address.versionId().orElse(null))));
                answer(ref, address, answer.versionId(), answer.createdDate(), answer.secretString(),
                        answer.secretBinary());
            } catch (RuntimeException e) {
                out.put(ref, Fetched.failed(failures.of(ref, e)));
            }
        }

        private void answer(Reference ref, SecretAddress address, String versionId, Instant createdDate,
                            String string, SdkBytes binary) {
            SecretDocument before = known.get(address);
            if (before != null && versionId != null && before.version().equals(Optional.of(versionId))) {
                out.put(ref, Fetched.of(before));
                return;
            }
            try {
                SecretDocument document = SecretContent.document(ref, versionId, createdDate, string, binary);
                known.put(address, document);
                out.put(ref, Fetched.of(document));
            } catch (BackendException e) {
                out.put(ref, Fetched.failed(e));
            }
        }

        private void failAll(List<String> ids, Map<String, List<Reference>> refsById, RuntimeException e) {
            ids.forEach(id -> refsById.get(id).forEach(ref -> out.put(ref, Fetched.failed(failures.of(ref, e)))));
        }
    }

    /** A 403 whose code says access denied, or that has no code the SDK could read (an IAM-layer refusal). */
    private static boolean isAccessDenied(SecretsManagerException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return e.statusCode() == 403 && (code == null || code.isEmpty() || "AccessDeniedException".equals(code)
                || "AccessDenied".equals(code));
    }

    /**
     * The answer for a requested id: by name, by full ARN, or by a partial ARN (the full ARN without the hyphen
     * and six random characters Secrets Manager appends).
     */
    static Optional<SecretValueEntry> match(String id, List<SecretValueEntry> entries) {
        for (SecretValueEntry e : entries) {
            if (id.equals(e.name()) || id.equals(e.arn())) {
                return Optional.of(e);
            }
        }
        for (SecretValueEntry e : entries) {
            if (e.arn() != null && e.arn().length() == id.length() + 7 && e.arn().startsWith(id + "-")) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
