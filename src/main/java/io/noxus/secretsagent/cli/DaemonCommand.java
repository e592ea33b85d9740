package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.daemon.Daemon;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

/** {@code daemon}: the long-running mode for systemd (Type=notify). */
@Command(name = "daemon", description = "Keep the files current: poll the backends, write changes, act on the units "
        + "(systemd Type=notify; SIGHUP reloads the config, SIGTERM stops after the current write).")
final class DaemonCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand
    Main main;
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        try (Daemon daemon = Daemon.forHost(config.file, main.host(), spec.commandLine().getOut())) {
            daemon.start();
            // sun.misc.Signal (module jdk.unsupported) is the only way to receive SIGHUP in Java; SIGTERM and SIGINT
            // are taken too so that stopping is a normal return (exit 0, STOPPING=1) instead of a JVM shutdown.
            Signal.handle(new Signal("HUP"), s -> daemon.requestReload());
            Signal.handle(new Signal("TERM"), s -> daemon.requestStop());
            Signal.handle(new Signal("INT"), s -> daemon.requestStop());
            daemon.run();
        }
        return 0;
    }
}
