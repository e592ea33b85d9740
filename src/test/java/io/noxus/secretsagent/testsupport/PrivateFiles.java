package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes test configs and secrets files the way an operator should: mode 0600. */
public final class PrivateFiles {
    private PrivateFiles() {
    }

    public static Path write(Path dir, String name, String text) {
        try {
            Path file = Files.writeString(dir.resolve(name), text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
