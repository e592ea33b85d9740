package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.Mapping;
import io.noxus.secretsagent.config.SecretFileSpec;
import io.noxus.secretsagent.engine.OutputResult;
import java.util.List;

/** The references an output is rendered from (env files: every mapping reaching the service; files: their one). */
final class References {
    private References() {
    }

    static List<String> of(AgentConfig config, OutputResult output) {
        if (output.kind().equals("env")) {
            return config.service(output.name()).map(service -> config.mappings().stream()
                    .filter(m -> m.scope().reaches(service)).map(Mapping::ref).map(Object::toString).distinct()
                    .sorted().toList()).orElse(List.of());
        }
        return config.files().stream().filter(f -> f.file().path().toString().equals(output.path()))
                .map(SecretFileSpec::ref).map(Object::toString).toList();
    }
}
