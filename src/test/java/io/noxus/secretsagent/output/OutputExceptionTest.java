package io.noxus.secretsagent.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OutputExceptionTest {
    @Test
    void aReadOnlyFileSystemIsNamedWithTheUnitsReadWritePathsAsTheFix() {
        OutputException e = new OutputException(Path.of("/srv/env/a.env"), "could not write the file",
                new FileSystemException("/srv/env/.a.env.tmp", null, "Read-only file system"));
        assertThat(e.getMessage()).startsWith("/srv/env/a.env: could not write the file: Read-only file system; ")
                .contains("ReadWritePaths=").doesNotContain("FileSystemException");
    }

    @Test
    void exceptionsJavaHasATypeForAreGivenTheOsWords() {
        assertThat(new OutputException(Path.of("/x"), "p", new AccessDeniedException("/x")).getMessage())
                .startsWith("/x: p: Permission denied; check the owner");
        assertThat(new OutputException(Path.of("/x"), "p", new FileSystemException("/x", null,
                "No space left on device")).getMessage()).isEqualTo("/x: p: No space left on device; free space on "
                + "that file system");
    }

    @Test
    void theExceptionsOwnMessageIsNeverQuoted() {
        assertThat(new OutputException(Path.of("/x"), "p", new IOException("line 3: s3cr3t")).getMessage())
                .isEqualTo("/x: p: IOException");
    }
}
