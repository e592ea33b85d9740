package io.noxus.secretsagent.backend.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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
    void aBulkMappingSelectsByTagWithOrWithoutANamePrefix() {
        assertThat(SecretAddress.parse("*?tag=pool=finance")).contains(new SecretAddress("", Optional.empty(), true,
                Map.of("pool", "finance")));
        assertThat(SecretAddress.parse("workers-*?tag=env=prod&tag=team=etl")).contains(new SecretAddress("workers-",
                Optional.empty(), true, Map.of("env", "prod", "team", "etl")));
        // percent-encoded: a space, '=' and '&' in a tag; '+' stays a plus; an empty value is a value
        assertThat(SecretAddress.parse("*?tag=owner%20team=a%3Db%26c+d&tag=note=").orElseThrow().tags())
                .isEqualTo(Map.of("owner team", "a=b&c+d", "note", ""));
    }

    @Test
    void aTagSelectionThatIsNotTagNameEqualsValueIsRefused() {
        assertThat(SecretAddress.parse("*?tag=pool")).isEmpty();
        assertThat(SecretAddress.parse("*?tag==finance")).isEmpty();
        assertThat(SecretAddress.parse("*?label=pool=finance")).isEmpty();
        assertThat(SecretAddress.parse("*?tag=pool=a&tag=pool=b")).isEmpty();
        assertThat(SecretAddress.parse("*?tag=pool=a=b")).isEmpty();
        assertThat(SecretAddress.parse("*?tag=pool=%zz")).isEmpty();
        assertThat(SecretAddress.parse("db?tag=pool=finance")).isEmpty();
        assertThat(SecretAddress.parse("*?tag=pool=finance&")).isEmpty();
    }

    @Test
    void aTagSelectionMatchesEveryTagExactlyAndTheNamePrefixIgnoringCase() {
        SecretAddress finance = SecretAddress.parse("Workers-*?tag=pool=finance&tag=env=prod").orElseThrow();
        assertThat(finance.selects("workers-bank-key", Map.of("pool", "finance", "env", "prod", "x", "y"))).isTrue();
        assertThat(finance.selects("workers-bank-key", Map.of("pool", "finance"))).isFalse();
        assertThat(finance.selects("workers-bank-key", Map.of("pool", "Finance", "env", "prod"))).isFalse();
        assertThat(finance.selects("workers-bank-key", Map.of("Pool", "finance", "env", "prod"))).isFalse();
        assertThat(finance.selects("other-bank-key", Map.of("pool", "finance", "env", "prod"))).isFalse();
        assertThat(finance.selects("workers-", Map.of("pool", "finance", "env", "prod"))).isFalse();
        assertThat(finance.selection()).isEqualTo("whose name starts with 'Workers-' and tagged env=prod and "
                + "pool=finance");
        assertThat(SecretAddress.parse("*?tag=pool=finance").orElseThrow().selection())
                .isEqualTo("tagged pool=finance");
    }

    @Test
    void underATagOnlySelectionTheWholeNameIsTheField() {
        assertThat(SecretAddress.field("", "Database-URL")).isEqualTo("database_url");
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
