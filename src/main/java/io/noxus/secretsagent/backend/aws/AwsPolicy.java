package io.noxus.secretsagent.backend.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.config.AwsBackendSettings;
import io.noxus.secretsagent.json.Json;
import io.noxus.secretsagent.secret.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The narrowest IAM policy for the agent's reads from Secrets Manager: one {@code secretsmanager:GetSecretValue}
 * statement per secret, on its exact ARN (a secret named by name or partial ARN gets the {@code -??????} suffix
 * wildcard for the six random characters AWS appends, which matches no other secret's ARN); one
 * {@code secretsmanager:BatchGetSecretValue} on {@code "*"}, because that action takes no resource (AWS evaluates
 * GetSecretValue on each secret it returns); {@code sts:AssumeRole} on the role when a backend assumes one.
 * {@code kms:Decrypt} is not in the config: a secret encrypted with a customer-managed key needs it on that key.
 */
public final class AwsPolicy {
    private AwsPolicy() {
    }

    /** One secret's statement, with the references and what they feed, for the statement id. */
    public record Secret(AwsBackendSettings backend, Reference document, List<String> feeds) {
    }

    /**
     * @param account the account id for secrets named by name; empty: {@code *} (any account; the caller says so)
     */
    public static ObjectNode document(List<Secret> secrets, Optional<String> account) {
        ObjectNode policy = Json.MAPPER.createObjectNode().put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");
        Map<String, List<String>> resources = new LinkedHashMap<>();
        for (Secret s : secrets) {
            SecretAddress address = SecretAddress.parse(s.document());
            String id = address.secretId();
            List<String> arns = new ArrayList<>();
            if (id.startsWith("arn:")) {
                arns.add(id); // a full ARN as given
                arns.add(id + "-??????"); // or a partial one: the name part of it
            } else {
                arns.add("arn:aws:secretsmanager:" + s.backend().region().orElse("*") + ":" + account.orElse("*")
                        + ":secret:" + id + "-??????");
            }
            resources.merge(String.join(" ", arns), List.of(), (a, b) -> a);
        }
        boolean any = !resources.isEmpty();
        if (any) {
            statements.addObject().put("Sid", "BatchReadNeedsAnyResource").put("Effect", "Allow")
                    .put("Action", "secretsmanager:BatchGetSecretValue").put("Resource", "*");
        }
        int n = 0;
        for (String arns : resources.keySet()) {
            n++;
            ObjectNode statement = statements.addObject().put("Sid", "Read" + n + sid(arns.split(" ")[0])).put("Effect", "Allow")
                    .put("Action", "secretsmanager:GetSecretValue");
            ArrayNode list = statement.putArray("Resource");
            for (String arn : arns.split(" ")) {
                list.add(arn);
            }
        }
        secrets.stream().map(s -> s.backend().assumeRole()).flatMap(Optional::stream)
                .map(AwsBackendSettings.AssumeRole::roleArn).distinct().forEach(role ->
                        statements.addObject().put("Sid", "AssumeRole" + sid(role.substring(role.lastIndexOf('/') + 1))).put("Effect", "Allow")
                                .put("Action", "sts:AssumeRole").put("Resource", role));
        return policy;
    }

    /** Statement ids are letters and digits: the secret name's, capped. */
    private static String sid(String text) {
        String name = text.contains(":secret:") ? text.substring(text.indexOf(":secret:") + 8) : text;
        String clean = name.replaceAll("-\\?{6}.*$", "").replaceAll("[^A-Za-z0-9]", "");
        return clean.length() > 60 ? clean.substring(0, 60) : clean;
    }
}
