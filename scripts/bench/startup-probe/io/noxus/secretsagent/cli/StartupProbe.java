package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.app.Host;
import io.noxus.secretsagent.config.ConfigLoader;
import io.noxus.secretsagent.config.StrictYaml;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The cold cost of each start-up step of a one-shot, in one fresh JVM, in the order a render takes them (each step
 * pays for the classes and initialisation it is first to need). Run by scripts/bench/startup-probe.sh; not shipped.
 */
public final class StartupProbe {
    private static long last = System.nanoTime();

    private static String step() {
        long now = System.nanoTime();
        String ms = String.valueOf((now - last) / 1_000_000);
        last = now;
        return ms;
    }

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args[0]);
        String[] render = {"render", "-c", args[0], "--no-act"};
        step();
        Host host = Host.real();
        String hostMs = step();
        new CommandLine(CommandLine.Model.CommandSpec.create());
        String emptyMs = step();
        CommandLine cli = Main.commandLineFor(host, render);
        String modelMs = step();
        cli.parseArgs(render);
        String parseMs = step();
        new com.fasterxml.jackson.databind.ObjectMapper();
        String mapperMs = step();
        StrictYaml.read(config);
        String yamlMs = step();
        ConfigLoader.load(config, host.environment());
        String loadMs = step();
        Agent.open(config, host).close();
        String openMs = step();
        System.out.println(String.join(" ", hostMs, emptyMs, modelMs, parseMs, mapperMs, yamlMs, loadMs, openMs));
    }
}
