package io.noxus.secretsagent.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.noxus.secretsagent.json.Json;
import io.noxus.secretsagent.output.StateStore.Hold;
import io.noxus.secretsagent.output.StateStore.OutputRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateStoreTest {
    @TempDir
    Path dir;

    private static Map<String, OutputRecord> records() {
        Map<String, OutputRecord> records = new TreeMap<>();
        records.put("/srv/b/backend.env", new OutputRecord("hmac-file-1", Map.of("B", "hmac-b", "A", "hmac-a")));
        records.put("/env.vm", new OutputRecord("hmac-file-2", Map.of()));
        records.put("/srv/quote\"d\\path", new OutputRecord(null, Map.of("\u00e9", "x")));
        return records;
    }

    @Test
    void writesTheBytesTheObjectMapperWroteSoExistingStateFilesStayUnchanged() throws IOException {
        StateStore store = new StateStore(dir);
        store.save(records());
        Map<String, Hold> holds = Map.of("/env.vm", new Hold("hmac-held", "backend", "2026-12-01T00:00:00Z"),
                "/a.env", new Hold("h", null, "2026-01-01T00:00:00Z"));
        store.saveHolds(holds);

        assertThat(Files.readAllBytes(dir.resolve("outputs.json"))).isEqualTo(Json.prettyBytes(new TreeMap<>(records())));
        assertThat(Files.readAllBytes(dir.resolve("held.json"))).isEqualTo(Json.prettyBytes(new TreeMap<>(holds)));
    }

    @Test
    void readsBackWhatItWroteAndWhatTheObjectMapperWrote() throws IOException {
        StateStore store = new StateStore(dir);
        store.save(records());
        assertThat(store.load()).isEqualTo(records());

        Files.write(dir.resolve("held.json"), Json.prettyBytes(Map.of("/env.vm", new Hold("f", "s", "t"))));
        assertThat(store.holds()).isEqualTo(Map.of("/env.vm", new Hold("f", "s", "t")));
        assertThat(Json.MAPPER.readValue(Files.readAllBytes(dir.resolve("outputs.json")),
                new TypeReference<TreeMap<String, OutputRecord>>() {
                })).isEqualTo(records());
    }

    @Test
    void noStateFilesReadAsEmpty() {
        StateStore store = new StateStore(dir);
        assertThat(store.load()).isEmpty();
        assertThat(store.holds()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{\"/a\": []}", "{\"/a\": {\"file\": \"f\"}}",
        "{\"/a\": {\"file\": \"f\", \"variables\": {}, \"extra\": 1}}", "{\"/a\": {\"file\": 3, \"variables\": {}}}",
        "{\"/a\": {\"file\": \"f\", \"variables\": {\"A\": {}}}}", "{\"/a\": ", "not json"})
    void aStateFileOfAnotherShapeIsDamagedAndNamed(String content) throws IOException {
        Files.writeString(dir.resolve("outputs.json"), content, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new StateStore(dir).load())
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("outputs.json")
                .hasMessageContaining("the state file is damaged");
    }

    @Test
    void aHeldFileWithAnUnknownKeyIsDamaged() throws IOException {
        Files.writeString(dir.resolve("held.json"), "{\"/a\": {\"fingerprint\": \"f\", \"value\": \"v\"}}");
        assertThatThrownBy(() -> new StateStore(dir).holds())
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("held.json");
    }
}
