package io.noxus.secretsagent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScopeTest {
    static ServiceSpec service(String name, Role role, String pool) {
        OutputSpec out = new OutputSpec("test", Path.of("/x/" + name), OutputFormat.SYSTEMD, 0600, Optional.empty(),
                Optional.empty());
        return new ServiceSpec(name, role, Optional.ofNullable(pool), out, ActionSpec.NONE, List.of());
    }

    private final ServiceSpec frontend = service("frontend", Role.FRONTEND, null);
    private final ServiceSpec finance = service("worker-finance", Role.WORKER, "finance");
    private final ServiceSpec general = service("worker-general", Role.WORKER, "general");
    private final ServiceSpec main = service(ServiceSpec.MAIN_ENV, Role.MAIN, null);

    @Test
    void globalReachesEveryServiceAndTheMainEnvFile() {
        assertThat(List.of(frontend, finance, general, main)).allMatch(Scope.GLOBAL::reaches);
    }

    @Test
    void workersReachOnlyWorkerServices() {
        Scope workers = Scope.parse("workers");
        assertThat(workers.reaches(finance)).isTrue();
        assertThat(workers.reaches(general)).isTrue();
        assertThat(workers.reaches(frontend)).isFalse();
        assertThat(workers.reaches(main)).isFalse();
    }

    @Test
    void aPoolReachesOnlyWorkersOfThatPool() {
        Scope pool = Scope.parse("pool:finance");
        assertThat(pool.reaches(finance)).isTrue();
        assertThat(pool.reaches(general)).isFalse();
        assertThat(pool.reaches(frontend)).isFalse();
    }

    @Test
    void aServiceScopeReachesOnlyThatService() {
        Scope only = Scope.parse("service:frontend");
        assertThat(only.reaches(frontend)).isTrue();
        assertThat(List.of(finance, general, main)).noneMatch(only::reaches);
    }

    @Test
    void unknownFormsAreNotScopes() {
        assertThat(Scope.parse("pool:")).isNull();
        assertThat(Scope.parse("everyone")).isNull();
        assertThat(Scope.parse("team:x")).isNull();
    }
}
