package io.noxus.secretsagent.output;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 (RFC 2104) over {@link MessageDigest}. Not {@code javax.crypto.Mac}: its first use initialises the JCE
 * framework (it reads and parses the JDK's crypto policy files), ~30 ms of a one-shot render's start-up on the
 * 2-core build VM (docs/benchmarks.md); the digest's provider is initialised anyway. Same output as the Mac.
 */
final class HmacSha256 {
    private static final int BLOCK = 64;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];

    HmacSha256(byte[] key) {
        byte[] k = key.length > BLOCK ? sha256().digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
    }

    /** A digest primed with the inner pad: update it with the message, then {@link #finish}. */
    MessageDigest start() {
        MessageDigest inner = sha256();
        inner.update(innerPad);
        return inner;
    }

    /** The MAC of what {@code inner} (from {@link #start}) was given. */
    byte[] finish(MessageDigest inner) {
        MessageDigest outer = sha256();
        outer.update(outerPad);
        return outer.digest(inner.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "HmacSha256[key redacted]";
    }
}
