package io.noxus.secretsagent.output;

import io.noxus.secretsagent.secret.SecretValue;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed fingerprints (HMAC-SHA256 with a per-host key) of files and variables, so the state file can tell what
 * changed without holding anything from which a value could be guessed: a plain hash of a short password can be
 * brute-forced, a keyed one cannot without the key.
 */
public final class Fingerprinter {
    private final SecretKeySpec key;

    public Fingerprinter(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    public String ofBytes(byte[] content) {
        Mac mac = mac();
        return encode(mac.doFinal(content));
    }

    public String ofVariable(String name, SecretValue value) {
        Mac mac = mac();
        mac.update(name.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return encode(mac.doFinal(value.bytes()));
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static String encode(byte[] digest) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    @Override
    public String toString() {
        return "Fingerprinter[key redacted]";
    }
}
