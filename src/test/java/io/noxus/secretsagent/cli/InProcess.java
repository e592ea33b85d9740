package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.app.Host;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs one command line in this JVM, as the launcher would, and keeps what it printed. */
final class InProcess {
    /** What one command line printed and returned. */
    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private InProcess() {
    }

    static Run run(String... args) {
        return run(Host.real(), args);
    }

    /** Runs on the given host and fails the test if anything printed contains {@code canary} (a secret value). */
    static Run runHiding(String canary, Host host, String... args) {
        Run run = run(host, args);
        if (run.all().contains(canary)) {
            throw new AssertionError("the agent printed a secret value (" + canary + "):\n" + run.all());
        }
        return run;
    }

    /** The same on the given host (a recording command runner, a manual clock). */
    static Run run(Host host, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), host, args);
        return new Run(exit, out.toString(), err.toString());
    }
}
