package io.noxus.secretsagent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads a {@code type: aws-secrets-manager} backend entry. */
final class AwsBackendReader {
    private static final String REGION = "[a-z]{2}(-[a-z]+)+-\\d+";
    private static final String ROLE_ARN = "arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+";
    private static final String SESSION_NAME = "[\\w+=,.@-]{2,64}";
    private static final String EXTERNAL_ID = "[\\w+=,.@:/-]{2,1224}";
    private static final int MAX_TIMEOUT_SECONDS = 300;
    private static final List<String> CREDENTIAL_KEYS = List.of("access_key_id", "secret_access_key",
            "session_token", "aws_access_key_id", "aws_secret_access_key", "aws_session_token");

    private AwsBackendReader() {
    }

    static AwsBackendSettings read(String name, ConfigNode node) {
        for (String key : CREDENTIAL_KEYS) {
            if (node.has(key)) {
                throw node.child(key).error("credentials never go in the config file: the agent takes them from "
                        + "the AWS SDK chain (environment, web identity, instance or container role) or a shared "
                        + "profile (profile:); remove this key");
            }
        }
        node.onlyKeys("type", "region", "endpoint", "profile", "assume_role", "request_timeout_seconds");
        Optional<String> region = node.optional("region").map(n -> matching(n, REGION,
                "is not an AWS region name (e.g. us-east-1, eu-central-1)"));
        Optional<URI> endpoint = node.optional("endpoint").map(AwsBackendReader::endpoint);
        Optional<String> profile = node.optionalText("profile");
        Optional<AwsBackendSettings.AssumeRole> role = node.optional("assume_role").map(AwsBackendReader::assumeRole);
        Duration timeout = node.optional("request_timeout_seconds").map(n -> {
            int seconds = n.positiveInt();
            if (seconds > MAX_TIMEOUT_SECONDS) {
                throw n.error("at most " + MAX_TIMEOUT_SECONDS + " seconds; the cycle retries a call that timed out");
            }
            return Duration.ofSeconds(seconds);
        }).orElse(AwsBackendSettings.DEFAULT_REQUEST_TIMEOUT);
        return new AwsBackendSettings(name, region, endpoint, profile, role, timeout);
    }

    private static AwsBackendSettings.AssumeRole assumeRole(ConfigNode node) {
        node.onlyKeys("role_arn", "session_name", "external_id", "sts_endpoint");
        String arn = matching(node.required("role_arn"), ROLE_ARN,
                "is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)");
        String session = node.optional("session_name").map(n -> matching(n, SESSION_NAME,
                "must be 2 to 64 letters, digits or +=,.@_- characters")).orElse(AwsBackendSettings.DEFAULT_SESSION_NAME);
        Optional<String> externalId = node.optional("external_id").map(n -> {
            if (!n.text().matches(EXTERNAL_ID)) {
                throw n.error("must be 2 to 1224 letters, digits or +=,.@:/_- characters");
            }
            return n.text();
        });
        Optional<URI> sts = node.optional("sts_endpoint").map(AwsBackendReader::endpoint);
        return new AwsBackendSettings.AssumeRole(arn, session, externalId, sts);
    }

    private static String matching(ConfigNode node, String pattern, String problem) {
        String text = node.text();
        if (!text.matches(pattern)) {
            throw node.error("'" + text + "' " + problem);
        }
        return text;
    }

    private static URI endpoint(ConfigNode node) {
        return httpUrl(node, " (e.g. https://vpce-0abc.secretsmanager.us-east-1.vpce.amazonaws.com)");
    }

    /** An http(s) URL with a host and no user, query or fragment; {@code example} ends the error message. */
    static URI httpUrl(ConfigNode node, String example) {
        String text = node.text();
        try {
            URI uri = new URI(text);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw node.error("'" + text + "' is not an http(s) URL with a host and no user, query or fragment" + example);
    }
}
