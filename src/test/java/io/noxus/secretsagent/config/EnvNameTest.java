package io.noxus.secretsagent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnvNameTest {
    @Test
    void acceptsLettersDigitsAndUnderscoreNotStartingWithADigit() {
        assertThat(EnvName.valid("_")).isTrue();
        assertThat(EnvName.valid("API_KEY_2")).isTrue();
        assertThat(EnvName.valid("node_weather")).isTrue();
        assertThat(EnvName.valid("")).isFalse();
        assertThat(EnvName.valid("2FA")).isFalse();
        assertThat(EnvName.valid("API-KEY")).isFalse();
        assertThat(EnvName.valid("A.B")).isFalse();
        assertThat(EnvName.valid("BASH_FUNC_ls%%")).isFalse();
        assertThat(EnvName.valid("CAF\u00c9")).isFalse();
    }

    @Test
    void aBackendNameIsRefusedWhenInvalidOrProcessControlAndOtherwiseAccepted() {
        assertThat(EnvName.refusedFromBackend("API-KEY")).hasValueSatisfying(why -> assertThat(why)
                .startsWith("which is not valid ([A-Za-z_][A-Za-z0-9_]*)"));
        assertThat(EnvName.refusedFromBackend("LD_PRELOAD")).hasValueSatisfying(why -> assertThat(why)
                .startsWith("which changes how programs load or run: the dynamic loader"));
        assertThat(EnvName.refusedFromBackend("NODE_WEATHER")).isEmpty();
    }

    /** Upper-casing maps the long s to S: the name to check is the transformed one, never the field. */
    @Test
    void aFieldThatOnlyBecomesAProcessControlNameWhenUpperCasedIsCaughtOnItsFinalName() {
        String finalName = Mapping.NameTransform.UPPER.apply("cla\u017f\u017fpath");
        assertThat(finalName).isEqualTo("CLASSPATH");
        assertThat(EnvName.refusedFromBackend(finalName)).hasValueSatisfying(why -> assertThat(why)
                .contains("the JVM or its launchers read it"));
    }
}
