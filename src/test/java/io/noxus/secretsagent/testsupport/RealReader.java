package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real program that reads env files (systemd, a shell, python-dotenv, Docker Compose, the docker
 * CLI), driven from a test. Get one from {@link RealReaders}; not thread-safe.
 */
public interface RealReader extends AutoCloseable {

    /** Short name of the program, e.g. {@code "systemd"}. */
    String name();

    /**
     * Reads {@code file} the way the real program does.
     *
     * @return every variable the program would deliver from the file, in file order (order of
     *     first assignment; the content comes from the program, only the order is normalised)
     * @throws IOException when the program rejects the file; the message includes its error output
     */
    Map<String, String> read(Path file) throws IOException;

    @Override
    default void close() {}
}
