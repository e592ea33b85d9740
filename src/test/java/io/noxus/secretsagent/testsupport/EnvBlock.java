package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment block printed by {@code env -0}: NUL-terminated {@code KEY=VALUE} entries. */
final class EnvBlock {

    private EnvBlock() {}

    /** Parses {@code env -0} output in order; a repeated key keeps its first position, last value. */
    static Map<String, String> parse(byte[] envDashZero) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i < envDashZero.length; i++) {
            if (envDashZero[i] == 0) {
                String entry = utf8(envDashZero, start, i - start);
                int eq = entry.indexOf('=');
                if (eq < 0) {
                    throw new IOException("environment entry without '=': " + entry);
                }
                vars.put(entry.substring(0, eq), entry.substring(eq + 1));
                start = i + 1;
            }
        }
        return vars;
    }

    /** Returns {@code vars} without the entries that {@code baseline} has with the identical value. */
    static Map<String, String> minus(Map<String, String> vars, Map<String, String> baseline) {
        Map<String, String> result = new LinkedHashMap<>(vars);
        baseline.forEach(result::remove);   // remove(key, value): only when the value is identical
        return result;
    }

    private static String utf8(byte[] bytes, int offset, int length) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException("environment entry is not valid UTF-8", e);
        }
    }
}
