package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.config.DaemonSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/** An agent whose backends each sit behind their own poll schedule, all first due at {@code now}. */
record ScheduledAgent(Agent agent, Map<String, ScheduledBackend> backends) {
    static ScheduledAgent open(Agent.Opener opener, Path configFile, Clock clock, RandomGenerator random,
                               Executor polls, Runnable answered) {
        Map<String, ScheduledBackend> wrapped = new LinkedHashMap<>();
        Instant now = clock.instant();
        Agent opened = opener.open(configFile, (config, name, backend) -> {
            DaemonSettings d = config.daemon();
            ScheduledBackend s = new ScheduledBackend(name, backend, new PollSchedule(d.pollInterval(name), d.jitter(),
                    d.backoffInitial(), d.backoffMax(), random, now), clock, polls, answered);
            wrapped.put(name, s);
            return s;
        });
        return new ScheduledAgent(opened, Map.copyOf(wrapped));
    }
}
