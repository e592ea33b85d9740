package io.noxus.secretsagent.backend.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Reads a token or credential from a file that only its owner may read. */
final class CredentialFile {
    private CredentialFile() {
    }

    static String read(Path file, String what) {
        String apiPath = "(" + what + ")";
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
                throw new VaultCallException(VaultCallException.Kind.REFUSED, apiPath, "the " + what + " file " + file
                        + " is readable or writable by group or others; chmod 600 it");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new VaultCallException(VaultCallException.Kind.REFUSED, apiPath, "the " + what + " file "
                        + file + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw new VaultCallException(VaultCallException.Kind.REFUSED, apiPath, "cannot read the " + what
                    + " file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
