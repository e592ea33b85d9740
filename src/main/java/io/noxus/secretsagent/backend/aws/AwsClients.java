package io.noxus.secretsagent.backend.aws;

import io.noxus.secretsagent.config.AwsBackendSettings;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The SDK clients of one backend, built from its settings: the JDK's HttpURLConnection transport, one attempt per
 * call (the agent's cycle owns retries, so the SDK's must not multiply them), a whole-call and whole-attempt timeout, and
 * credentials from the SDK's default chain or a named profile, optionally exchanged for a role session by STS. The
 * timeouts run on the process's {@link SdkTimers}, not on a thread pool of each client.
 * Nothing here holds a credential in a field of ours; the SDK providers do, and never print them.
 */
final class AwsClients implements AutoCloseable {
    private final SdkHttpClient http;
    private final AwsCredentialsProvider baseCredentials;
    private final Optional<StsClient> sts;
    private final AwsCredentialsProvider credentials;
    private final SecretsManagerClient secretsManager;
    private final Region region;

    private AwsClients(AwsBackendSettings settings) {
        http = UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.requestTimeout())
                .socketTimeout(settings.requestTimeout())
                .build();
        try {
            region = settings.region().map(Region::of).orElseGet(() -> DefaultAwsRegionProviderChain.builder()
                    .profileName(settings.profile().orElse(null)).build().getRegion());
            baseCredentials = settings.profile().<AwsCredentialsProvider>map(ProfileCredentialsProvider::create)
                    .orElseGet(() -> DefaultCredentialsProvider.builder().build());
            // One attempt, so the call and its attempt share one deadline: the SDK's timer aborts the exchange
            // (UrlConnectionHttpClient disconnects it) however the server drips; the socket timeouts above only
            // bound each connect and each read.
            ClientOverrideConfiguration oneAttempt = ClientOverrideConfiguration.builder()
                    .retryStrategy(AwsRetryStrategy.doNotRetry())
                    .apiCallTimeout(settings.requestTimeout())
                    .apiCallAttemptTimeout(settings.requestTimeout())
                    .scheduledExecutorService(SdkTimers.shared())
                    .build();
            sts = settings.assumeRole().map(role -> {
                var builder = StsClient.builder().httpClient(http).region(region).credentialsProvider(baseCredentials)
                        .overrideConfiguration(oneAttempt);
                role.stsEndpoint().ifPresent(builder::endpointOverride);
                return builder.build();
            });
            credentials = settings.assumeRole().<AwsCredentialsProvider>map(role -> StsAssumeRoleCredentialsProvider
                    .builder().stsClient(sts.orElseThrow())
                    .refreshRequest(r -> r.roleArn(role.roleArn()).roleSessionName(role.sessionName())
                            .externalId(role.externalId().orElse(null)))
                    .build()).orElse(baseCredentials);
            var builder = SecretsManagerClient.builder().httpClient(http).region(region)
                    .credentialsProvider(credentials).overrideConfiguration(oneAttempt);
            settings.endpoint().ifPresent(builder::endpointOverride);
            secretsManager = builder.build();
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    static AwsClients create(AwsBackendSettings settings) {
        return new AwsClients(settings);
    }

    SecretsManagerClient secretsManager() {
        return secretsManager;
    }

    Region region() {
        return region;
    }

    @Override
    public void close() {
        secretsManager.close();
        if (credentials != baseCredentials && credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
        sts.ifPresent(StsClient::close);
        if (baseCredentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
        http.close();
    }
}
