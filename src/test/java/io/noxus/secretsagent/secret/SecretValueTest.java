package io.noxus.secretsagent.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noxus.secretsagent.backend.SecretDocument;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretValueTest {
    @Test
    void toStringNeverShowsTheValueEvenInsideRecords() {
        SecretValue value = SecretValue.of("CANARY-hunter2");
        SecretDocument doc = new SecretDocument(Optional.of(value), Map.of("f", value), Optional.of("3"));
        assertThat(value.toString()).isEqualTo("SecretValue[redacted]");
        assertThat(doc.toString()).doesNotContain("CANARY").contains("redacted");
    }

    @Test
    void keepsTheExactUtf8BytesAndComparesThem() {
        SecretValue value = SecretValue.of("pä$$\n🔑");
        assertThat(value.text()).contains("pä$$\n🔑");
        assertThat(value.sameAs(SecretValue.ofBytes("pä$$\n🔑".getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .isTrue();
        assertThat(value.sameAs(SecretValue.of("pa$$"))).isFalse();
    }

    @Test
    void refusesTextThatIsNotUnicodeAndReportsBytesThatAreNotUtf8AsNoText() {
        assertThatThrownBy(() -> SecretValue.of("a\uD800b")).hasMessage("value is not valid Unicode text (unpaired "
                + "surrogate)");
        assertThat(SecretValue.ofBytes(new byte[] {(byte) 0xC3, 0x28}).text()).isEmpty();
    }

    @Test
    void referencesParseBackendPathAndField() {
        Reference ref = Reference.parse("vault:noxus/platform#database_url");
        assertThat(ref.backend()).isEqualTo("vault");
        assertThat(ref.path()).isEqualTo("noxus/platform");
        assertThat(ref.field()).contains("database_url");
        assertThat(ref.document().toString()).isEqualTo("vault:noxus/platform");
        assertThatThrownBy(() -> Reference.parse("no-backend")).hasMessage("'no-backend' is not a reference of the "
                + "form backend:path or backend:path#field");
    }
}
