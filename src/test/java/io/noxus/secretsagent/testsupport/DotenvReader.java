package io.noxus.secretsagent.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * python-dotenv's {@code dotenv_values(path)} (defaults: interpolate=True, utf-8) run by the venv
 * python in .tools/venv, with an empty environment (so {@code ${VAR}} only sees earlier keys of the
 * file). Keys without a value (None) are dropped, as {@code load_dotenv} does. A line python-dotenv
 * cannot parse only gets a logged warning there; here it counts as a rejection.
 */
final class DotenvReader implements RealReader {

    private static final String PROGRAM = """
            import json, logging, sys
            from dotenv import dotenv_values
            warnings = []
            class Collect(logging.Handler):
                def emit(self, record):
                    warnings.append(record.getMessage())
            logging.getLogger("dotenv").addHandler(Collect())
            try:
                values = dotenv_values(sys.argv[1])
            except Exception as e:
                sys.exit("python-dotenv: %s: %s" % (type(e).__name__, e))
            if warnings:
                sys.exit("; ".join(warnings))
            json.dump({k: v for k, v in values.items() if v is not None}, sys.stdout)
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> ORDERED_MAP = new TypeReference<>() {};

    private final Path python;

    DotenvReader(Path python) {
        this.python = python;
    }

    @Override
    public String name() {
        return "dotenv";
    }

    @Override
    public Map<String, String> read(Path file) throws IOException {
        List<String> cmd = List.of(python.toString(), "-c", PROGRAM, file.toAbsolutePath().toString());
        Exec.Result r = Exec.run(cmd, Map.of(), null);
        if (!r.ok()) {
            throw new IOException("dotenv rejected " + file + " (exit " + r.exitCode() + "): " + r.stderrText());
        }
        return JSON.readValue(r.stdout(), ORDERED_MAP);
    }
}
