package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.testsupport.TestHosts;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build time only ({@code mvn package} runs it in prepare-package; test scope, so picocli-codegen never ships): from
 * the same command tree the agent runs, writes {@code ARG/adoc/*.adoc} (picocli-codegen's ManPageGenerator, one page
 * per command; the asciidoctor plugin turns them into man pages) and {@code ARG/completion/noxus-secrets-agent}
 * (picocli's AutoComplete: a bash script, which zsh reads through bashcompinit).
 */
public final class ManualGenerator {
    private ManualGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        CommandLine cli = Main.commandLine(TestHosts.quiet());
        Path adoc = Files.createDirectories(out.resolve("adoc"));
        int exit = ManPageGenerator.generateManPage(adoc.toFile(), (File) null, new boolean[0], true,
                cli.getCommandSpec());
        if (exit != 0) {
            throw new IllegalStateException("ManPageGenerator exited " + exit);
        }
        Path completion = Files.createDirectories(out.resolve("completion")).resolve("noxus-secrets-agent");
        Files.writeString(completion, AutoComplete.bash("noxus-secrets-agent", cli), StandardCharsets.UTF_8);
    }
}
