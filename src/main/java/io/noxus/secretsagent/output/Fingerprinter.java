package io.noxus.secretsagent.output;

import io.noxus.secretsagent.secret.SecretValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Keyed fingerprints (HMAC-SHA256 with a per-host key) of files and variables, so the state file can tell what
 * changed without holding anything from which a value could be guessed: a plain hash of a short password can be
 * brute-forced, a keyed one cannot without the key.
 */
public final class Fingerprinter {
    private final HmacSha256 hmac;

    public Fingerprinter(byte[] key) {
        this.hmac = new HmacSha256(key);
    }

    public String ofBytes(byte[] content) {
        MessageDigest mac = hmac.start();
        mac.update(content);
        return encode(hmac.finish(mac));
    }

    public String ofVariable(String name, SecretValue value) {
        MessageDigest mac = hmac.start();
        mac.update(name.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update(value.bytes());
        return encode(hmac.finish(mac));
    }

    private static String encode(byte[] digest) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    @Override
    public String toString() {
        return "Fingerprinter[key redacted]";
    }
}
