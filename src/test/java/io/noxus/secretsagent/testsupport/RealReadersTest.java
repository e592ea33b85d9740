package io.noxus.secretsagent.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The harness itself: every real reader works, rejects what it rejects, and honours docs/env-readers.md. */
class RealReadersTest {

    private static final Map<String, RealReader> READERS = new LinkedHashMap<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void openReaders() {
        for (RealReader reader : RealReaders.all()) {
            READERS.put(reader.name(), reader);
        }
    }

    @AfterAll
    static void closeReaders() {
        READERS.values().forEach(RealReader::close);
    }

    static Stream<Arguments> simpleFiles() {
        return Stream.of(
                arguments("systemd", "A=1\nB=\"two words\"\n"),
                arguments("bash", "export A=1\nexport B='two words'\nNOT_EXPORTED=3\n"),
                arguments("sh", "export A=1\nexport B='two words'\nNOT_EXPORTED=3\n"),
                arguments("dotenv", "A=1\nB='two words'\n"),
                arguments("compose", "A=1\nB=\"two words\"\n"),
                arguments("docker", "A=1\nB=two words\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("simpleFiles")
    void deliversExactlyTheVariablesOfASimpleFileInOrder(String reader, String content) throws IOException {
        assertThat(read(reader, content.getBytes(StandardCharsets.UTF_8)))
                .containsExactly(entry("A", "1"), entry("B", "two words"));
    }

    static Stream<Arguments> filesTheReaderRejects() {
        byte[] invalidUtf8 = {'A', '=', '"', (byte) 0xff, '"', '\n'};
        return Stream.of(
                arguments("systemd", invalidUtf8),
                arguments("bash", bytes("export A='unterminated\n")),
                arguments("sh", bytes("export A='unterminated\n")),
                arguments("dotenv", bytes("A='unterminated\n")),
                arguments("compose", bytes("A B=1\n")),
                arguments("docker", bytes("A B=1\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filesTheReaderRejects")
    void throwsWithTheReadersErrorWhenItRejectsTheFile(String reader, byte[] content) {
        assertThatThrownBy(() -> read(reader, content))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(reader + " rejected");
    }

    /** Characters that trip up naive writers; LF and CR only where the format can carry them. */
    private static final String NASTY = " lead\t'single' \"double\" \\ \\n $HOME ${HOME} ${X:-d} $$ `id` $(id)"
            + " # ; = \u0001\u001f\u007f \u00a0\u0085 é 中 😀 trail\\ ";
    private static final String NASTY_MULTILINE = NASTY + "\nsecond\r\nthird\rfourth\n";

    static Stream<Arguments> documentedEncodings() {
        UnaryOperator<String> systemd = v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        UnaryOperator<String> shell = v -> "'" + v.replace("'", "'\\''") + "'";
        UnaryOperator<String> dotenv = v -> "\"" + v.replace("${", "${:-$}{").replace("\\", "\\\\")
                .replace("\"", "\\\"").replace("\r", "\\r") + "\"";
        UnaryOperator<String> compose = v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("$", "$$") + "\"";
        return Stream.of(
                arguments("systemd", "", systemd, NASTY_MULTILINE),
                arguments("bash", "export ", shell, NASTY_MULTILINE),
                arguments("sh", "export ", shell, NASTY_MULTILINE),
                arguments("dotenv", "", dotenv, NASTY_MULTILINE),
                arguments("compose", "", compose, NASTY_MULTILINE),
                arguments("docker", "", UnaryOperator.<String>identity(), NASTY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedEncodings")
    void returnsTheExactValueWrittenWithTheDocumentedEncoding(
            String reader, String prefix, UnaryOperator<String> encode, String value) throws IOException {
        String file = prefix + "FIRST=" + encode.apply("1") + "\n"
                + prefix + "NASTY=" + encode.apply(value) + "\n"
                + prefix + "LAST=" + encode.apply("") + "\n";
        assertThat(read(reader, bytes(file)))
                .containsOnly(entry("FIRST", "1"), entry("NASTY", value), entry("LAST", ""));
    }

    @Test
    void systemdReportsAVariableThatSystemdItselfAlsoSets() throws IOException {
        assertThat(read("systemd", bytes("PATH=/usr/local/bin:/usr/bin:/bin\nLANG=C.UTF-8\nINVOCATION_ID=x\n")))
                .containsExactly(entry("PATH", "/usr/local/bin:/usr/bin:/bin"), entry("LANG", "C.UTF-8"),
                        entry("INVOCATION_ID", "x"));
    }

    @Test
    void composeInterpolationIsVisibleAsInjected() throws IOException {
        assertThat(read("compose", bytes("A=\"$X ${Y}\"\n"))).containsExactly(entry("A", "INJECTED INJECTED"));
    }

    private Map<String, String> read(String reader, byte[] content) throws IOException {
        Path file = Files.write(Files.createTempFile(tmp, reader, ".env"), content);
        return READERS.get(reader).read(file);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
