package io.noxus.secretsagent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.noxus.secretsagent.config.OutputFormat;
import io.noxus.secretsagent.testsupport.RealReader;
import io.noxus.secretsagent.testsupport.RealReaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every writer, checked against the real program that reads its files: batches of arbitrary values (quotes,
 * backslashes, $, ${X}, backticks, #, =, blanks, tabs, CR, LF, unicode, long values, would-be injections) are
 * written as K0..Kn, read back by the real reader, and must come back exactly, with no other variable. A value
 * the writer refuses must be of the class the format documents as unrepresentable.
 */
class EnvFormatRoundTripIT {
    private static RealReader systemd;
    private static RealReader bash;
    private static RealReader sh;
    private static RealReader dotenv;
    private static RealReader compose;
    private static RealReader docker;
    private static Path dir;

    @BeforeContainer
    static void startReaders() throws IOException {
        systemd = RealReaders.systemd();
        bash = RealReaders.bash();
        sh = RealReaders.sh();
        dotenv = RealReaders.dotenv();
        compose = RealReaders.compose();
        docker = RealReaders.docker();
        dir = Files.createTempDirectory("nsa-roundtrip");
    }

    @AfterContainer
    static void stopReaders() {
        for (RealReader reader : new RealReader[] {systemd, bash, sh, dotenv, compose, docker}) {
            if (reader != null) {
                reader.close();
            }
        }
    }

    @Property(tries = 40)
    void systemdDeliversEveryValueExactly(@ForAll("batches") List<String> values) throws IOException {
        assertRoundTrip(OutputFormat.SYSTEMD, systemd, values);
    }

    @Property(tries = 40)
    void bashAndDashSourceEveryValueExactly(@ForAll("batches") List<String> values) throws IOException {
        assertRoundTrip(OutputFormat.SHELL, bash, values);
        assertRoundTrip(OutputFormat.SHELL, sh, values);
    }

    @Property(tries = 40)
    void pythonDotenvReadsEveryValueExactly(@ForAll("batches") List<String> values) throws IOException {
        assertRoundTrip(OutputFormat.DOTENV, dotenv, values);
    }

    @Property(tries = 40)
    void composeReadsEveryValueExactlyWithoutInterpolating(@ForAll("batches") List<String> values) throws IOException {
        assertRoundTrip(OutputFormat.COMPOSE, compose, values);
    }

    @Property(tries = 40)
    void dockerReadsEveryValueItAcceptsExactlyAndOnlyLineBreaksAreRefused(@ForAll("batches") List<String> values)
            throws IOException {
        assertRoundTrip(OutputFormat.DOCKER, docker, values);
    }

    @Example
    void longValuesUpToTheLimitsRoundTrip() throws IOException {
        String big = "x\"'\\$".repeat(20_000);
        for (OutputFormat f : List.of(OutputFormat.SYSTEMD, OutputFormat.SHELL, OutputFormat.DOTENV,
                OutputFormat.COMPOSE)) {
            assertRoundTrip(f, reader(f), List.of(big));
        }
        String longestDockerLine = "a".repeat(DockerFormat.MAX_LINE_BYTES - "K0=".length());
        assertRoundTrip(OutputFormat.DOCKER, docker, List.of(longestDockerLine));
        assertThatThrownBy(() -> EnvFormats.of(OutputFormat.DOCKER).entry("K0", longestDockerLine + "a"))
                .isInstanceOf(UnrepresentableValueException.class);
    }

    @Example
    void aValueCannotInjectASecondVariableInAnyFormat() throws IOException {
        List<String> attacks = List.of("x\nINJECTED=1", "x\"\nINJECTED=1\n\"", "x'\nexport INJECTED=1\n'",
                "\"; INJECTED=1; \"", "'$(touch /tmp/nsa-pwned)'", "`id`", "x\\\nINJECTED=1", "x\r\nINJECTED=1");
        for (OutputFormat f : List.of(OutputFormat.SYSTEMD, OutputFormat.SHELL, OutputFormat.DOTENV,
                OutputFormat.COMPOSE, OutputFormat.DOCKER)) {
            assertRoundTrip(f, reader(f), attacks);
        }
        assertThat(Path.of("/tmp/nsa-pwned")).doesNotExist();
    }

    /**
     * The candidates for names a shell manages: every variable bash 5.2 documents or sets in an empty environment,
     * and dash's. Locale (LC_*, LANG) and loader (LD_*) variables are left out: an unusable value makes setlocale or
     * ld.so complain, not the shell, and the name is not the shell's.
     */
    private static final List<String> SHELL_VARIABLES = List.of("_", "BASH", "BASHOPTS", "BASHPID", "BASH_ALIASES",
            "BASH_ARGC", "BASH_ARGV", "BASH_ARGV0", "BASH_CMDS", "BASH_COMMAND", "BASH_COMPAT", "BASH_ENV",
            "BASH_EXECUTION_STRING", "BASH_LINENO", "BASH_LOADABLES_PATH", "BASH_REMATCH", "BASH_SOURCE",
            "BASH_SUBSHELL", "BASH_VERSINFO", "BASH_VERSION", "BASH_XTRACEFD", "CDPATH", "CHILD_MAX", "COLUMNS",
            "COMP_CWORD", "COMP_KEY", "COMP_LINE", "COMP_POINT", "COMP_TYPE", "COMP_WORDBREAKS", "COMP_WORDS",
            "COMPREPLY", "COPROC", "DIRSTACK", "EMACS", "ENV", "EPOCHREALTIME", "EPOCHSECONDS", "EUID", "EXECIGNORE",
            "FCEDIT", "FIGNORE", "FUNCNAME", "FUNCNEST", "GLOBIGNORE", "GROUPS", "histchars", "HISTCMD",
            "HISTCONTROL", "HISTFILE", "HISTFILESIZE", "HISTIGNORE", "HISTSIZE", "HISTTIMEFORMAT", "HOME",
            "HOSTFILE", "HOSTNAME", "HOSTTYPE", "IFS", "IGNOREEOF", "INPUTRC", "INSIDE_EMACS", "LINENO", "LINES",
            "MACHTYPE", "MAIL", "MAILCHECK", "MAILPATH", "MAPFILE", "OLDPWD", "OPTARG", "OPTERR", "OPTIND", "OSTYPE",
            "PATH", "PIPESTATUS", "POSIXLY_CORRECT", "PPID", "PROMPT_COMMAND", "PROMPT_DIRTRIM", "PS0", "PS1", "PS2",
            "PS3", "PS4", "PWD", "RANDOM", "READLINE_ARGUMENT", "READLINE_LINE", "READLINE_MARK", "READLINE_POINT",
            "REPLY", "SECONDS", "SHELL", "SHELLOPTS", "SHLVL", "SRANDOM", "TERM", "TIMEFORMAT", "TMOUT", "TMPDIR",
            "UID");

    /**
     * The list the shell format refuses is exactly the set of shell variables that bash or dash lose or reject when
     * a file exporting {@code NAME='x'} is sourced: a name refused without cause fails here, and so does a name a
     * newer shell starts to manage.
     */
    @Example
    void theShellFormatRefusesExactlyTheNamesBashOrDashLoseOrReject() throws IOException {
        Set<String> lostOrRejected = new TreeSet<>();
        Set<String> refused = new TreeSet<>();
        for (String name : Stream.concat(SHELL_VARIABLES.stream(), ownedByTheShell().stream()).distinct().toList()) {
            Path file = exportX(name);
            if (!deliversX(bash, file, name) || !deliversX(sh, file, name)) {
                lostOrRejected.add(name);
            }
            try {
                EnvFormats.of(OutputFormat.SHELL).entry(name, "x");
            } catch (UnrepresentableValueException e) {
                refused.add(name);
            }
        }
        assertThat(refused).isEqualTo(lostOrRejected);
    }

    /** How each refused group fails: read-only and checked names in bash, recomputed ones in bash, OPTIND in dash. */
    @Example
    void eachShellOwnedNameFailsInTheWayItsGroupSays() throws IOException {
        for (String name : ShellFormat.READ_ONLY) {
            assertThatThrownBy(() -> bash.read(exportX(name))).as(name).hasMessageContaining(name + ": readonly variable");
        }
        for (String name : ShellFormat.CHECKED) {
            assertThatThrownBy(() -> bash.read(exportX(name))).as(name).hasMessageContaining(name + ": x: ");
        }
        for (String name : ShellFormat.DYNAMIC) {
            assertThat(bash.read(exportX(name))).as(name).doesNotContainEntry(name, "x");
        }
        assertThatThrownBy(() -> sh.read(exportX("OPTIND"))).hasMessageContaining("Illegal number: x");
    }

    private static Set<String> ownedByTheShell() {
        return Stream.of(ShellFormat.READ_ONLY, ShellFormat.CHECKED, ShellFormat.DYNAMIC, ShellFormat.NUMERIC)
                .flatMap(Set::stream).collect(Collectors.toSet());
    }

    /** The line the shell writer would give NAME='x' if it did not refuse the name. */
    private static Path exportX(String name) throws IOException {
        return Files.writeString(dir.resolve("owned.env"), "export " + name + "='x'\n", StandardCharsets.UTF_8);
    }

    private static boolean deliversX(RealReader shell, Path file, String name) {
        try {
            return "x".equals(shell.read(file).get(name));
        } catch (IOException rejected) {
            return false;
        }
    }

    /** The documented unrepresentable classes (docs/env-readers.md), for values below the kernel's size limit. */
    private static boolean refusable(OutputFormat format, String value) {
        return switch (format) {
            case DOCKER -> value.contains("\n") || value.endsWith("\r");
            case SYSTEMD -> value.codePoints().anyMatch(SystemdFormat::isNoncharacter);
            default -> false;
        };
    }

    private static RealReader reader(OutputFormat format) {
        return switch (format) {
            case SYSTEMD -> systemd;
            case SHELL -> bash;
            case DOTENV -> dotenv;
            case COMPOSE -> compose;
            case DOCKER -> docker;
            case RAW -> throw new IllegalArgumentException();
        };
    }

    /** Writes K0..Kn (refused values left out after checking why), reads them back, compares exactly. */
    private static void assertRoundTrip(OutputFormat format, RealReader reader, List<String> values)
            throws IOException {
        EnvFormat writer = EnvFormats.of(format);
        StringBuilder file = new StringBuilder("# header line, as the agent writes it\n");
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            String key = "K" + i;
            String value = values.get(i);
            try {
                file.append(writer.entry(key, value));
                expected.put(key, value);
            } catch (UnrepresentableValueException e) {
                assertThat(refusable(format, value)).as(format.label() + " refused: " + e.getMessage()).isTrue();
            }
        }
        Path path = Files.writeString(dir.resolve(format.label() + ".env"), file, StandardCharsets.UTF_8);
        Map<String, String> actual = reader.read(path);
        assertThat(actual.keySet()).as(reader.name() + ": exactly the written variables").isEqualTo(expected.keySet());
        for (String key : expected.keySet()) {
            assertThat(actual.get(key)).as(reader.name() + " " + key).isEqualTo(expected.get(key));
        }
    }

    @Provide
    Arbitrary<List<String>> batches() {
        return Arbitraries.oneOf(tricky(), anyUnicode(), Arbitraries.strings().ofMaxLength(0))
                .list().ofMinSize(1).ofMaxSize(30);
    }

    /** Strings built from the pieces that break env files, glued with ordinary text. */
    private static Arbitrary<String> tricky() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("\"", "'", "\\", "$", "${", "}", "${X}", "$X", "$$", "`", "#", " #", "=", " ", "\t",
                        "\r", "\n", "\r\n", ";", ":-", "\\n", "\\\"", "\\'", "'\\''", "${:-$}", "\u00e9", "\u00a0",
                        "\u0085", "\u2028", "\ufeff", "\ud83d\udd11", "\u0001", "\u001b", "\u007f", "export ",
                        "\nINJECTED=1\n", "INJECTED=1", "\ufffe", "\ufdd0", "\udbff\udfff"),
                Arbitraries.strings().alpha().numeric().ofMaxLength(6));
        return piece.list().ofMaxSize(12).map(parts -> String.join("", parts));
    }

    /** Any text without NUL or unpaired surrogates (those are refused before a format sees them). */
    private static Arbitrary<String> anyUnicode() {
        Arbitrary<String> codePoint = Arbitraries.integers().between(1, 0x10FFFF)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF).map(Character::toString);
        return codePoint.list().ofMaxSize(40).map(parts -> String.join("", parts));
    }
}
