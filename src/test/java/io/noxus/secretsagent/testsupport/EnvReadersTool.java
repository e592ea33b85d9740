package io.noxus.secretsagent.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Go parsers, through {@code .tools/bin/envreaders MODE FILE} (built from tools/envreaders):
 * {@code compose} = Docker Compose's env_file loader, {@code docker} = {@code docker run --env-file}.
 */
final class EnvReadersTool implements RealReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> ORDERED_MAP = new TypeReference<>() {};

    private final String mode;
    private final Path binary;

    EnvReadersTool(String mode, Path binary) {
        this.mode = mode;
        this.binary = binary;
    }

    @Override
    public String name() {
        return mode;
    }

    @Override
    public Map<String, String> read(Path file) throws IOException {
        Exec.Result r = Exec.run(List.of(binary.toString(), mode, file.toAbsolutePath().toString()), Map.of(), null);
        if (!r.ok()) {
            throw new IOException(mode + " rejected " + file + " (exit " + r.exitCode() + "): " + r.stderrText());
        }
        Map<String, String> vars = JSON.readValue(r.stdout(), ORDERED_MAP);
        return mode.equals("compose") ? FileOrder.sort(vars, Files.readAllBytes(file)) : vars;
    }
}
