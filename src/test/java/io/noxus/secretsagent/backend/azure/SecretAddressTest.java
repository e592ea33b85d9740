package io.noxus.secretsagent.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretAddressTest {
    @Test
    void aNameAPinnedVersionAndAPrefixAreTheThreeForms() {
        assertThat(SecretAddress.parse("database-url")).contains(new SecretAddress("database-url", Optional.empty(),
                false));
        assertThat(SecretAddress.parse("bank-key?version=0f1e2d3c4b5a69788796a5b4c3d2e1f0")).contains(
                new SecretAddress("bank-key", Optional.of("0f1e2d3c4b5a69788796a5b4c3d2e1f0"), false));
        assertThat(SecretAddress.parse("workers-*")).contains(new SecretAddress("workers-", Optional.empty(), true));
        assertThat(SecretAddress.parse("*")).contains(new SecretAddress("", Optional.empty(), true));
    }

    @Test
    void namesKeyVaultCannotHoldAreRefused() {
        assertThat(SecretAddress.parse("database_url")).isEmpty();
        assertThat(SecretAddress.parse("a".repeat(128))).isEmpty();
        assertThat(SecretAddress.parse("db?version=")).isEmpty();
        assertThat(SecretAddress.parse("db?ver=1")).isEmpty();
        assertThat(SecretAddress.parse("work*ers")).isEmpty();
    }

    @Test
    void aBulkFieldIsTheNameAfterThePrefixInLowerCaseWithUnderscores() {
        assertThat(SecretAddress.field("workers-", "workers-etl-db")).isEqualTo("etl_db");
        assertThat(SecretAddress.field("workers-", "Workers-OpenAI-Key")).isEqualTo("openai_key");
    }

    @Test
    void namesDifferingOnlyInCaseAreOneSecret() {
        assertThat(SecretAddress.parse("Database-URL").orElseThrow().key())
                .isEqualTo(SecretAddress.parse("database-url").orElseThrow().key());
    }
}
