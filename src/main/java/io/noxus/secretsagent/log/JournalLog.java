package io.noxus.secretsagent.log;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * How every log line looks and where it goes: stderr, one line per message, and under systemd (journald reading the
 * stream, i.e. {@code JOURNAL_STREAM} set) prefixed with the sd-daemon priority ({@code <3>} error, {@code <4>}
 * warning, {@code <6>} info, {@code <7>} debug) so {@code journalctl -p} filters by it. Plain lines otherwise (a
 * terminal, a test, Ansible).
 *
 * <p>SLF4J binds one provider per JVM, so this is the one piece of static state: set once by the command line
 * ({@link #configure}) before the command runs; loggers read it at each call, so loggers created earlier follow it.
 * Only the agent's own loggers follow {@code --log-level}; third-party ones (the AWS SDK logs requests, headers
 * included, below warn) never go below {@code warn}.
 */
public final class JournalLog {
    private static final String OWN = "io.noxus.secretsagent.";
    private static volatile Level threshold = Level.INFO;
    private static volatile boolean journal;
    private static volatile PrintStream sink = System.err;

    private JournalLog() {
    }

    /** {@code environment}: the host's; the journal prefixes are on when systemd connected stderr to journald. */
    public static void configure(Level level, Map<String, String> environment, PrintStream stderr) {
        threshold = level;
        journal = underJournal(environment);
        sink = stderr;
    }

    /** systemd sets {@code JOURNAL_STREAM} for a service whose stdout or stderr is connected to the journal. */
    public static boolean underJournal(Map<String, String> environment) {
        String stream = environment.get("JOURNAL_STREAM");
        return stream != null && !stream.isEmpty();
    }

    static boolean enabled(String logger, Level level) {
        Level floor = threshold;
        if (!logger.startsWith(OWN) && floor.toInt() < Level.WARN.toInt()) {
            floor = Level.WARN;
        }
        return level.toInt() >= floor.toInt();
    }

    static void write(String logger, Level level, String message) {
        sink.print(format(journal, level, shortName(logger), message));
        sink.flush();
    }

    /** The sd-daemon prefix of a level: {@code <3>}, {@code <4>}, {@code <6>}, {@code <7>} (trace is debug too). */
    public static String prefix(Level level) {
        return switch (level) {
            case ERROR -> "<3>";
            case WARN -> "<4>";
            case INFO -> "<6>";
            case DEBUG, TRACE -> "<7>";
        };
    }

    /**
     * One message as written, ending with a newline: {@code [<P>]LEVEL Name - message}. A multi-line message gets the
     * prefix on every line, or journald would book its continuation lines at the default priority (info).
     */
    static String format(boolean journal, Level level, String name, String message) {
        String head = level.name() + " " + name + " - ";
        if (!journal) {
            return head + message + "\n";
        }
        String p = prefix(level);
        return p + head + message.replace("\n", "\n" + p) + "\n";
    }

    /** A line for stdout (the JSON audit trail): the priority prefix under the journal, the line as is otherwise. */
    public static String line(boolean journal, Level level, String text) {
        return journal ? prefix(level) + text : text;
    }

    /** {@code io.noxus.secretsagent.daemon.Daemon} → {@code Daemon}. */
    static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    /** A {@code --log-level} value: error, warn, info, debug (any case). */
    public static Level parseLevel(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.ERROR;
            case "warn", "warning" -> Level.WARN;
            case "info" -> Level.INFO;
            case "debug" -> Level.DEBUG;
            case "trace" -> Level.TRACE;
            default -> throw new IllegalArgumentException("unknown log level '" + text
                    + "'; use error, warn, info or debug");
        };
    }
}
