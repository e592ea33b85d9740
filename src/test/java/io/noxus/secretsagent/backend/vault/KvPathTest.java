package io.noxus.secretsagent.backend.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KvPathTest {
    @ParameterizedTest
    @CsvSource({"secret/app, secret/app, 0", "secret/app?version=3, secret/app, 3", "team/kv/a/b/, team/kv/a/b, 0",
            "kv/x?version=12, kv/x, 12"})
    void readsThePathAndTheOptionalVersionPin(String text, String path, int version) {
        assertThat(KvPath.parse(text)).contains(new KvPath(path, version == 0 ? OptionalInt.empty()
                : OptionalInt.of(version)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/secret/app", "secret//app", "secret/app?version=0", "secret/app?version=x",
            "secret/app?ver=1", "secret/app?version=1&x=2", "?version=1"})
    void refusesAnythingElse(String text) {
        assertThat(KvPath.parse(text)).isEmpty();
    }
}
