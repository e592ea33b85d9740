package io.noxus.secretsagent.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.secret.SecretValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacSha256Test {
    private static byte[] mac(HmacSha256 hmac, byte[] message) {
        MessageDigest inner = hmac.start();
        inner.update(message);
        return hmac.finish(inner);
    }

    private static byte[] jceMac(byte[] key, byte[]... parts) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    @Test
    void givesTheRfc4231TestVectorsIncludingAKeyLongerThanABlock() {
        byte[] key1 = new byte[20];
        java.util.Arrays.fill(key1, (byte) 0x0b);
        assertThat(HexFormat.of().formatHex(mac(new HmacSha256(key1), "Hi There".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        byte[] key6 = new byte[131];
        java.util.Arrays.fill(key6, (byte) 0xaa);
        assertThat(HexFormat.of().formatHex(mac(new HmacSha256(key6),
                "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void equalsTheJdksMacForKeysAndMessagesOfEveryLengthAroundTheBlock() throws Exception {
        Random random = new Random(14);
        for (int keyLength : new int[] {1, 32, 63, 64, 65, 200}) {
            for (int length : new int[] {0, 1, 55, 56, 64, 1000}) {
                byte[] key = new byte[keyLength];
                byte[] message = new byte[length];
                random.nextBytes(key);
                random.nextBytes(message);
                assertThat(mac(new HmacSha256(key), message)).as("key %d, message %d", keyLength, length)
                        .isEqualTo(jceMac(key, message));
            }
        }
    }

    @Test
    void fingerprintsStayThoseOfTheJdksMacSoExistingStateFilesStillMatch() throws Exception {
        byte[] key = new byte[32];
        new Random(7).nextBytes(key);
        Fingerprinter fingerprinter = new Fingerprinter(key);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        assertThat(fingerprinter.ofVariable("DB_PASSWORD", SecretValue.of("canary-é")))
                .isEqualTo(b64.encodeToString(jceMac(key, "DB_PASSWORD".getBytes(StandardCharsets.UTF_8), new byte[1],
                        "canary-é".getBytes(StandardCharsets.UTF_8))));
        byte[] file = "A=1\n".getBytes(StandardCharsets.UTF_8);
        assertThat(fingerprinter.ofBytes(file)).isEqualTo(b64.encodeToString(jceMac(key, file)));
        assertThat(fingerprinter.toString()).doesNotContain(HexFormat.of().formatHex(key));
    }
}
