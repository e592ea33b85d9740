package io.noxus.secretsagent.engine;

import com.fasterxml.jackson.annotation.JsonValue;
import io.noxus.secretsagent.config.ServiceSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The action a service declares, due because one of its outputs changed; it carries the service it acts on. */
public record PlannedAction(ServiceSpec service) {
    public String action() {
        return service.action().toString();
    }

    public List<String> units() {
        return service.units();
    }

    /** In reports: the service's name, the action and the units. */
    @JsonValue
    Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("service", service.name());
        out.put("action", action());
        out.put("units", units());
        return out;
    }
}
