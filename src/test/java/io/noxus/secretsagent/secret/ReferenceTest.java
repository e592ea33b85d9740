package io.noxus.secretsagent.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "vault       | secret/app      | NULL        | ok",
        "vault       | secret/app      | password    | ok",
        "a           | p               | f           | ok",
        "my_aws-2    | arn:aws:x/y:z   | NULL        | ok",
        "Vault       | secret/app      | NULL        | refused",
        "2vault      | secret/app      | NULL        | refused",
        "va.ult      | secret/app      | NULL        | refused",
        "''          | secret/app      | NULL        | refused",
        "vault       | ''              | NULL        | refused",
        // Read back, vault:secret#app would be the field app of secret: a path never holds '#'.
        "vault       | secret#app      | NULL        | refused",
        "vault       | 'secret app'    | NULL        | refused",
        "vault       | secret/app      | ''          | refused",
        "vault       | secret/app      | 'pass word' | refused",
        "vault       | secret/app      | a#b         | refused",
    })
    void eachPartMustHaveTheFormOfItsPlaceInBackendColonPathHashField(String backend, String path, String field,
            String verdict) {
        if (verdict.equals("ok")) {
            Reference ref = new Reference(backend, path, Optional.ofNullable(field));
            assertThat(Reference.parse(ref.toString())).isEqualTo(ref);
        } else {
            assertThatThrownBy(() -> new Reference(backend, path, Optional.ofNullable(field)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("not a reference: " + backend + ":" + path);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\t", "\n", "\u000B", "\f", "\r", " "})
    void everyWhiteSpaceOfTheFormIsRefusedInAPath(String space) {
        assertThatThrownBy(() -> new Reference("vault", "a" + space + "b", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Reference("vault", "a\u00a0b", Optional.empty()).path()).isEqualTo("a\u00a0b");
    }

    @Test
    void referencesAreEqualExactlyWhenBackendPathAndFieldAre() {
        Reference a = Reference.parse("vault:secret/app#password");
        assertThat(a).isEqualTo(Reference.parse("vault:secret/app#password"))
                .hasSameHashCodeAs(Reference.parse("vault:secret/app#password"))
                .isNotEqualTo(Reference.parse("vault:secret/app#user"))
                .isNotEqualTo(Reference.parse("vault:secret/app"))
                .isNotEqualTo(Reference.parse("aws:secret/app#password"))
                .isNotEqualTo(Reference.parse("vault:secret/ap#password"))
                .isNotEqualTo("vault:secret/app#password")
                .isNotEqualTo(null);
        assertThat(a.document()).isEqualTo(Reference.parse("vault:secret/app"));
        Set<Reference> set = new HashSet<>(List.of(a, Reference.parse("vault:secret/app#password"), a.document(),
                Reference.parse("file:a#b"), Reference.parse("file:a:b")));
        assertThat(set).hasSize(4);
    }
}
