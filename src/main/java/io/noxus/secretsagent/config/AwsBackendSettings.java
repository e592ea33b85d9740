package io.noxus.secretsagent.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * An AWS Secrets Manager backend. Holds no credential: those come from the SDK's chain (environment, shared
 * profile, web identity, container or instance metadata) or the named {@code profile} when the client is built,
 * optionally exchanged for a role's session through STS.
 *
 * @param region          the region; empty: the SDK's region chain (AWS_REGION, profile, instance metadata)
 * @param endpoint        an endpoint override (a VPC endpoint, or a local test server)
 * @param profile         a profile of the shared config/credentials files instead of the default chain
 * @param assumeRole      a role to assume with the base credentials
 * @param requestTimeout  the longest one API call may take, connection included
 */
public record AwsBackendSettings(String name, Optional<String> region, Optional<URI> endpoint,
                                 Optional<String> profile, Optional<AssumeRole> assumeRole, Duration requestTimeout)
        implements BackendSettings {
    public static final String TYPE = "aws-secrets-manager";
    public static final String DEFAULT_SESSION_NAME = "noxus-secrets-agent";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** An STS AssumeRole: the external id is a confused-deputy guard that AWS documents as not secret. */
    public record AssumeRole(String roleArn, String sessionName, Optional<String> externalId,
                             Optional<URI> stsEndpoint) {
    }

    @Override
    public String type() {
        return TYPE;
    }
}
