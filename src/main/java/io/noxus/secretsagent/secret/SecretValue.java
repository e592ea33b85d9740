package io.noxus.secretsagent.secret;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The bytes of one secret. It is compared and written, never shown: {@link #toString()} is redacted, and there is
 * deliberately no {@code equals}/{@code hashCode}, so a value cannot end up as a map key or in a log by accident.
 */
public final class SecretValue {
    private final byte[] bytes;

    private SecretValue(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A value from text; text that is not valid Unicode (an unpaired surrogate) is refused. */
    public static SecretValue of(String text) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] out = new byte[encoded.remaining()];
            encoded.get(out);
            return new SecretValue(out);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("value is not valid Unicode text (unpaired surrogate)");
        }
    }

    public static SecretValue ofBytes(byte[] bytes) {
        return new SecretValue(bytes.clone());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** The value as text, or empty when its bytes are not valid UTF-8. */
    public Optional<String> text() {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Constant-time comparison of the bytes. */
    public boolean sameAs(SecretValue other) {
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return "SecretValue[redacted]";
    }
}
