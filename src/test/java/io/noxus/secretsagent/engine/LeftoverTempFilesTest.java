package io.noxus.secretsagent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #11: temp files full of secrets left by killed renders are removed by the next render, under the lock. */
class LeftoverTempFilesTest {
    private static final String MAPPINGS = """
            mappings:
              - {env: DATABASE_URL, ref: "file:db", scope: global}
            files:
              - {path: out/keys/signing.pem, ref: "file:pem", scope: "service:backend"}
            """;

    @TempDir
    Path dir;

    private TestInstall install() {
        return new TestInstall(dir).config(TestInstall.SERVICES + MAPPINGS).secrets("db: pg://x\npem: KEY\n");
    }

    @Test
    void aRenderRemovesTheTempFilesKilledRendersLeftNextToItsOutputsAndNothingElse() throws IOException {
        TestInstall install = install();
        install.render();
        List<Path> leftovers = List.of(leftover(install.out(".backend.env.tmp-0123456789abcdef")),
                leftover(install.out(".env.vm.tmp-00000000deadbeef")),
                leftover(install.out("keys/.signing.pem.tmp-abcdefabcdef0123")));
        List<Path> notOurs = List.of(leftover(install.out(".backend.env.tmp-0123")),
                leftover(install.out(".backend.env.tmp-0123456789abcdef.bak")),
                leftover(install.out(".unknown.env.tmp-0123456789abcdef")),
                leftover(install.out("backend.env.tmp-0123456789abcdef")));

        install.render();

        leftovers.forEach(p -> assertThat(p).as(p.toString()).doesNotExist());
        notOurs.forEach(p -> assertThat(p).as(p.toString()).exists());
    }

    @Test
    void aDryRunAndARenderOfOtherServicesLeaveTheTempFilesOfOutputsTheyDoNotWrite() throws IOException {
        TestInstall install = install();
        install.render();
        Path frontend = leftover(install.out(".frontend.env.tmp-0123456789abcdef"));
        Path backend = leftover(install.out(".backend.env.tmp-0123456789abcdef"));

        install.dryRun();
        assertThat(frontend).exists();
        install.render(false, Set.of("backend"));

        assertThat(frontend).exists();
        assertThat(backend).doesNotExist();
    }

    private static Path leftover(Path path) throws IOException {
        return Files.writeString(path, "DATABASE_URL=pg://x\n");
    }
}
