package io.noxus.secretsagent.backend.aws;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.secret.Reference;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an {@code aws:} reference path names: a secret (by name or ARN) and, optionally, a pinned version:
 * {@code NAME_OR_ARN}, {@code NAME_OR_ARN?version_stage=STAGE} or {@code NAME_OR_ARN?version_id=ID}. A secret name
 * never contains {@code ?} (AWS allows letters, digits and {@code /_+=.@-}), so the pin cannot be mistaken for part
 * of it; ARNs keep their colons ({@code Reference} splits the backend name at the first colon only).
 * {@code version_stage=AWSCURRENT} is the same as no pin.
 */
public record SecretAddress(String secretId, Optional<String> versionStage, Optional<String> versionId) {
    static final String CURRENT = "AWSCURRENT";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    private static final Pattern ARN = Pattern.compile(
            "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}");
    private static final Pattern PIN = Pattern.compile("(version_stage|version_id)=([^?&=]+)");

    /** Reads a reference's path, or fails permanently with what the reference should look like. */
    public static SecretAddress parse(Reference ref) {
        String path = ref.path();
        int query = path.indexOf('?');
        String id = query < 0 ? path : path.substring(0, query);
        if (!NAME.matcher(id).matches() && !ARN.matcher(id).matches()) {
            throw new BackendException(ref, false, "'" + id + "' is neither a secret name (letters, digits and "
                    + "/_+=.@-) nor a Secrets Manager secret ARN; fix the reference");
        }
        if (query < 0) {
            return new SecretAddress(id, Optional.empty(), Optional.empty());
        }
        Matcher pin = PIN.matcher(path.substring(query + 1));
        if (!pin.matches()) {
            throw new BackendException(ref, false, "a version pin is written ?version_stage=STAGE or "
                    + "?version_id=ID (one of them) after the secret id; fix the reference");
        }
        String value = pin.group(2);
        if (pin.group(1).equals("version_id")) {
            if (value.length() < 32 || value.length() > 64) {
                throw new BackendException(ref, false, "a version id is 32 to 64 characters long; copy it from "
                        + "'aws secretsmanager list-secret-version-ids'");
            }
            return new SecretAddress(id, Optional.empty(), Optional.of(value));
        }
        if (value.length() > 256) {
            throw new BackendException(ref, false, "a version stage is at most 256 characters long");
        }
        return new SecretAddress(id, value.equals(CURRENT) ? Optional.empty() : Optional.of(value), Optional.empty());
    }

    /** Unpinned secrets (the current version) are fetched in batches; pinned ones one by one. */
    boolean current() {
        return versionStage.isEmpty() && versionId.isEmpty();
    }
}
