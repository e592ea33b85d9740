package io.noxus.secretsagent.backend.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noxus.secretsagent.backend.BackendException;
import io.noxus.secretsagent.backend.SecretDocument;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.secret.SecretValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;

class SecretContentTest {
    private static final Reference REF = Reference.parse("aws:x");

    @Test
    void aJsonObjectGivesTheWholeTextAndOneFieldPerKeyWithNonStringsAsTheirExactJsonText() {
        String json = " {\"s\": \"a\\\"b\\n\", \"n\": 1.50e3, \"i\": -0, \"t\": false, \"z\": null, "
                + "\"o\": {\"k\": [1, {\"x\": \"}\"}]}, \"a\": [ ], \"\": \"empty key\"} ";
        SecretDocument doc = SecretContent.document(REF, "v1", null, json, null);
        assertThat(text(doc.whole().orElseThrow())).isEqualTo(json);
        assertThat(texts(doc.fields())).containsOnly(Map.entry("s", "a\"b\n"), Map.entry("n", "1.50e3"),
                Map.entry("i", "-0"), Map.entry("t", "false"), Map.entry("z", "null"),
                Map.entry("o", "{\"k\": [1, {\"x\": \"}\"}]}"), Map.entry("a", "[ ]"), Map.entry("", "empty key"));
        assertThat(doc.version()).contains("v1");
    }

    @Test
    void textThatIsNotExactlyOneJsonObjectHasNoFields() {
        for (String text : new String[] {"plain", "[1, 2]", "\"quoted\"", "{\"a\": 1} trailing", "{\"a\": 1",
            "{\"a\": 1, \"a\": 2}", "{'a': 1}", "", "42"}) {
            SecretDocument doc = SecretContent.document(REF, "v", null, text, null);
            assertThat(doc.fields()).as(text).isEmpty();
            assertThat(text(doc.whole().orElseThrow())).isEqualTo(text);
        }
    }

    @Test
    void aBinarySecretIsItsBytes() {
        byte[] bytes = {(byte) 0xc3, 0x28, 0, (byte) 0xff};
        SecretDocument doc = SecretContent.document(REF, "v", null, null, SdkBytes.fromByteArray(bytes));
        assertThat(doc.whole().orElseThrow().bytes()).isEqualTo(bytes);
        assertThat(doc.fields()).isEmpty();
    }

    @Test
    void aVersionWithoutValueOrWithBrokenUnicodeIsPermanent() {
        assertThatThrownBy(() -> SecretContent.document(REF, "v", null, null, null))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("neither a SecretString nor a SecretBinary");
        assertThatThrownBy(() -> SecretContent.document(REF, "v", null, "bad \ud800", null))
                .hasMessage("aws:x: the SecretString is not valid Unicode text (an unpaired surrogate); store it "
                        + "again as UTF-8 text or as SecretBinary");
    }

    private static Map<String, String> texts(Map<String, SecretValue> fields) {
        Map<String, String> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> out.put(k, text(v)));
        return out;
    }

    private static String text(SecretValue value) {
        return new String(value.bytes(), StandardCharsets.UTF_8);
    }
}
