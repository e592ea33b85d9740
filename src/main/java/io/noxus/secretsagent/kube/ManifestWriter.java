package io.noxus.secretsagent.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.noxus.secretsagent.secret.AgentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the export into a folder: one YAML file per object, and {@code values-noxus.yaml}. Files without values
 * are 0644; the plain-Secret files, which hold values, are created 0600. Strings are always quoted, so YAML 1.1
 * readers never turn a name like {@code no} or {@code 0400} into a boolean or a number.
 */
public final class ManifestWriter {
    public static final String VALUES_FILE = "values-noxus.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private ManifestWriter() {
    }

    static String yaml(Object body) {
        try {
            return YAML.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML", e);
        }
    }

    /** Writes every file, replacing earlier ones of the same name; returns the paths written, in order. */
    public static List<Path> write(Path folder, KubernetesExport.Result result) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            for (Manifest m : result.manifests()) {
                written.add(write(folder.resolve(m.file()), yaml(m.body()), m.holdsValues()));
            }
            written.add(write(folder.resolve(VALUES_FILE), "# Noxus chart values from noxus-secrets-agent export "
                    + "kubernetes: merge with your own values (helm -f).\n" + yaml(result.values()), false));
        } catch (IOException e) {
            throw new AgentException(folder + ": cannot write the export: " + e.getMessage()
                    + "; check --output-dir", e);
        }
        return written;
    }

    private static Path write(Path file, String text, boolean holdsValues) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                holdsValues ? "rw-------" : "rw-r--r--")));
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return file;
    }
}
