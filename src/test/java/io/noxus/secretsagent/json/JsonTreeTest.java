package io.noxus.secretsagent.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** JsonTree against an ObjectMapper: the same trees (node types included) and the same bytes. */
class JsonTreeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "[]", "null", "true", "\"text\"", "0", "-7",
        "{\"a\": 1, \"b\": [1, 2147483648, 9223372036854775808, -9223372036854775809], \"c\": {\"d\": null}}",
        "{\"f\": [1.5, -0.0, 1e3, 1E-7, 3.141592653589793238462643383279, 1e400]}",
        "{\"s\": \"tab\\t quote\\\" backslash\\\\ unicode \\u00e9\\ud83d\\ude00 nul \\u0000 line\\n\"}",
        "{\"dup\": 1, \"dup\": {\"x\": [true, false]}}",
        "[[], {}, [[{}]], \"\", {\"\": \"\"}]",
        "{\"data\":{\"data\":{\"value\":\"v\"},\"metadata\":{\"version\":3,\"created_time\":\"2026-12-01T00:00:00Z\"}}}"})
    void readsTheTreeAMapperReadsAndWritesTheBytesItWrites(String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        JsonNode ours = JsonTree.read(bytes);
        JsonNode theirs = MAPPER.readTree(bytes);

        assertThat(ours).isEqualTo(theirs);
        assertThat(types(ours)).isEqualTo(types(theirs));
        assertThat(JsonTree.bytes(ours)).isEqualTo(MAPPER.writeValueAsBytes(theirs));
        assertThat(JsonTree.text(ours)).isEqualTo(theirs.toString());
        assertThat(JsonTree.prettyBytes(ours))
                .isEqualTo(MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(theirs));
    }

    @Test
    void noContentIsAMissingNodeAsForAMapper() throws IOException {
        assertThat(JsonTree.read(new byte[0]).isMissingNode()).isTrue();
        assertThat(MAPPER.readTree(new byte[0]).isMissingNode()).isTrue();
    }

    @Test
    void brokenJsonIsAnIOException() {
        assertThatThrownBy(() -> JsonTree.read("{\"a\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> JsonTree.read("{\"a\" 1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a: 1\nb: [x, 'y', \"z\"]\nc: {d: ~, e: true, f: 1.5, g: 12345678901, h: 0x1F, i: 123456789012345678901234}\n",
        "list:\n  - one\n  - two: 2\n    three: [3.0, -4]\nempty:\n",
        "text: |\n  line one\n  line two\nfolded: >\n  a\n  b\nquoted: \"\\u00e9\\t\"\n"})
    void readsTheTreeAYamlMapperReadsFromAYamlParser(String yaml) throws IOException {
        byte[] bytes = yaml.getBytes(StandardCharsets.UTF_8);
        JsonNode theirs = new YAMLMapper().readTree(bytes);
        JsonNode ours;
        try (JsonParser parser = new YAMLFactory().createParser(bytes)) {
            ours = JsonTree.read(parser);
        }
        assertThat(ours).isEqualTo(theirs);
        assertThat(types(ours)).isEqualTo(types(theirs));
    }

    @Test
    void aParserWithNoDocumentGivesNull() throws IOException {
        try (JsonParser parser = new YAMLFactory().createParser(new byte[0])) {
            assertThat(JsonTree.read(parser)).isNull();
        }
    }

    /** Each node's path and concrete class: equals alone would not tell an IntNode from a LongNode of one value. */
    private static List<String> types(JsonNode node) {
        List<String> types = new ArrayList<>();
        collect("", node, types);
        return types;
    }

    private static void collect(String path, JsonNode node, List<String> into) {
        into.add(path + "=" + node.getClass().getSimpleName());
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> collect(path + "/" + e.getKey(), e.getValue(), into));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(path + "/" + i, node.get(i), into);
            }
        }
    }
}
