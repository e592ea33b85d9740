package io.noxus.secretsagent.backend.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.noxus.secretsagent.backend.Fetched;
import io.noxus.secretsagent.testsupport.Answers;
import io.noxus.secretsagent.config.FileBackendSettings;
import io.noxus.secretsagent.secret.Reference;
import io.noxus.secretsagent.testsupport.PrivateFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the file backend makes of hostile or unusual secrets files: refused with one located line, or read whole. */
class FileBackendTest {
    @TempDir
    Path dir;

    private Path secrets(String text) {
        return PrivateFiles.write(dir, "secrets.yaml", text);
    }

    private static Map<Reference, Fetched> fetch(Path file, String... keys) {
        Set<Reference> refs = Arrays.stream(keys).map(k -> Reference.parse("file:" + k))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return new FileBackend(new FileBackendSettings("file", file)).fetch(refs);
    }

    private static String failure(Path file, String key) {
        return Answers.failure(fetch(file, key).get(Reference.parse("file:" + key))).getMessage();
    }

    /** The whole failure for {@code key}: the reference, the file, then {@code problem}. */
    private void assertRefused(String yaml, String key, String problem) {
        Path file = secrets(yaml);
        assertThat(failure(file, key)).isEqualTo("file:" + key + ": the secrets file " + file + ": " + problem);
    }

    private static String value(Map<Reference, Fetched> answers, String key) {
        return ((Fetched.Found) answers.get(Reference.parse("file:" + key))).document().whole().orElseThrow().text()
                .orElseThrow();
    }

    @Test
    void anAnchoredValueIsRefusedNamingKeyAndLineNeverTheValue() {
        Path file = secrets("base: &pw \"the-real-value\"\nKEY: *pw\n");
        String message = failure(file, "KEY");
        assertThat(message).isEqualTo("file:KEY: the secrets file " + file + ": base: YAML anchor &pw near line 1, "
                + "column 7: anchors and aliases are not supported; write the value out in full");
        assertThat(message).doesNotContain("the-real-value");
    }

    @Test
    void anAliasIsRefusedRatherThanRenderedAsTheAnchorName() {
        assertRefused("OTHER: \"x\"\nKEY:\n  field: *pw\n", "OTHER", "KEY.field: YAML alias *pw near line 3, "
                + "column 10: anchors and aliases are not supported; write the value out in full");
    }

    @Test
    void aBillionLaughsFileFailsFastAtItsFirstAnchor() {
        StringBuilder yaml = new StringBuilder("a: &a [" + String.join(",", Collections.nCopies(9, "\"lol\"")) + "]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            String prev = "*" + (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [").append(String.join(",", Collections
                    .nCopies(9, prev))).append("]\n");
        }
        yaml.append("KEY: *j\n");
        Path file = secrets(yaml.toString());
        long start = System.nanoTime();
        String message = failure(file, "KEY");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(message).isEqualTo("file:KEY: the secrets file " + file + ": a: YAML anchor &a near line 1, "
                + "column 4: anchors and aliases are not supported; write the value out in full");
    }

    @Test
    void aFileNested3000LevelsDeepIsRefusedNamingTheLimitNotAnInternalError() {
        assertRefused("KEY: " + "[".repeat(3000) + "]".repeat(3000) + "\n", "KEY", "nested deeper than 64 levels "
                + "near line 1, column 69, the most the agent reads; flatten it");

        StringBuilder block = new StringBuilder();
        for (int level = 0; level < 3000; level++) {
            block.append(" ".repeat(level)).append("k").append(level).append(":\n");
        }
        assertRefused(block + " ".repeat(3000) + "\"v\"\n", "k0", "nested deeper than 64 levels near line 65, "
                + "column 65, the most the agent reads; flatten it");
    }

    @Test
    void aSecondDocumentIsRefusedNamingWhereItStarts() {
        assertRefused("---\nKEY: \"one\"\n---\nKEY: \"two\"\n", "KEY", "a second YAML document starts near "
                + "line 3, column 1; a file holds one document: remove the '---' and merge the two, or use two files");
    }

    @Test
    void anExplicitDocumentStartAndEndAroundOneDocumentAreFine() {
        Path file = secrets("---\nKEY: \"one\"\n...\n");
        assertThat(value(fetch(file, "KEY"), "KEY")).isEqualTo("one");
    }

    @Test
    void aValidFileOverFourMebibytesWithAMebibyteValueOverManyLinesIsReadWhole() {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            yaml.append("KEY_").append(i).append(": \"").append("v".repeat(200)).append(i).append("\"\n");
        }
        String chunk = "x".repeat(1023) + "y";
        yaml.append("BIG: \"").append((chunk + "\\\n").repeat(1024)).append("\"\n");
        Path file = secrets(yaml.toString());
        assertThat(yaml.length()).isGreaterThan(4 * 1024 * 1024);
        Map<Reference, Fetched> answers = fetch(file, "KEY_19999", "BIG");
        assertThat(value(answers, "KEY_19999")).isEqualTo("v".repeat(200) + 19999);
        assertThat(value(answers, "BIG")).isEqualTo(chunk.repeat(1024));
    }

    @Test
    void aLineLongerThanTheLineBoundIsRefusedNamingItAndHowToSplitIt() {
        Path file = secrets("A: \"short\"\r\nB: \"" + "z".repeat(128 * 1024) + "\"\n");
        assertThat(failure(file, "A")).isEqualTo("file:A: the secrets file " + file + ": line 2 is longer than 128 "
                + "KiB, the longest the agent reads; split a long value over several lines inside double quotes, "
                + "ending each line but the last with a backslash");
        Path fits = secrets("B: \"" + "z".repeat(128 * 1024 - 6) + "\"\n");
        assertThat(value(fetch(fits, "B"), "B")).hasSize(128 * 1024 - 6);
    }

    @Test
    void aFileOverTheSixtyFourMebibyteBoundIsRefusedNamingTheBound() throws IOException {
        Path file = secrets("");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(64L * 1024 * 1024 + 1);
        }
        assertThat(failure(file, "KEY")).isEqualTo("file:KEY: the secrets file " + file + ": the file is larger than "
                + "64 MiB, the most the agent reads; split it into smaller files");
    }
}
