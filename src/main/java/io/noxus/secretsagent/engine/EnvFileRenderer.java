package io.noxus.secretsagent.engine;

import io.noxus.secretsagent.config.ConfigException;
import io.noxus.secretsagent.config.Precedence;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.format.EnvFormat;
import io.noxus.secretsagent.format.EnvFormats;
import io.noxus.secretsagent.format.UnrepresentableValueException;
import io.noxus.secretsagent.output.Fingerprinter;
import io.noxus.secretsagent.secret.SecretValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders one service's env file: the variables its scope allows (precedence per {@link Precedence}), sorted by
 * name, each encoded by the output's format. Any failed input or unrepresentable value fails the whole file, so it
 * is never written partially.
 */
final class EnvFileRenderer {
    static final String HEADER = "# Managed by noxus-secrets-agent. Do not edit: changes are overwritten.\n";
    /** MAX_ARG_STRLEN (32 pages of 4 KiB) less the terminating NUL. */
    static final int MAX_ENV_STRING_BYTES = 131071;
    private final Fingerprinter fingerprinter;

    EnvFileRenderer(Fingerprinter fingerprinter) {
        this.fingerprinter = fingerprinter;
    }

    Rendered render(ServiceSpec service, Resolved resolved) {
        List<String> errors = new ArrayList<>();
        resolved.failedBulk().forEach((mapping, error) -> {
            if (mapping.scope().reaches(service)) {
                errors.add(error);
            }
        });
        Map<String, List<Binding>> byName = resolved.bindings().stream()
                .filter(b -> b.scope().reaches(service))
                .collect(Collectors.groupingBy(Binding::variable, TreeMap::new, Collectors.toList()));
        EnvFormat format = EnvFormats.of(service.output().format());
        StringBuilder text = new StringBuilder(HEADER);
        Map<String, String> variables = new TreeMap<>();
        Map<String, String> references = new TreeMap<>();
        for (Map.Entry<String, List<Binding>> entry : byName.entrySet()) {
            String name = entry.getKey();
            Binding winner;
            try {
                winner = Precedence.choose(name, service, entry.getValue()).orElseThrow();
            } catch (ConfigException e) {
                errors.add(e.getMessage());
                continue;
            }
            if (winner instanceof Binding.Unbound unbound) {
                errors.add(unbound.error());
                continue;
            }
            Binding.Bound bound = (Binding.Bound) winner;
            SecretValue value = bound.value();
            try {
                text.append(format.entry(name, text(name, value)));
                variables.put(name, fingerprinter.ofVariable(name, value));
                references.put(bound.mapping().ref().toString(), bound.version().orElse(""));
            } catch (UnrepresentableValueException e) {
                errors.add("variable " + name + " (" + winner.mapping().ref() + ") cannot be written to "
                        + service.output().path() + " (format " + service.output().format().label() + "): "
                        + e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            return Rendered.failed(errors);
        }
        return new Rendered(Optional.of(text.toString().getBytes(StandardCharsets.UTF_8)), variables, references,
                List.of());
    }

    /**
     * The value as text any environment can hold: valid UTF-8, no NUL, and {@code KEY=value} within the kernel's
     * limit for one environment string (execve refuses longer ones, so the service would not start).
     */
    private static String text(String name, SecretValue value) {
        String text = value.text().orElseThrow(() -> new UnrepresentableValueException(
                "the value is not valid UTF-8 text"));
        if (text.indexOf('\0') >= 0) {
            throw new UnrepresentableValueException("the value contains a NUL byte, which no environment variable "
                    + "can hold");
        }
        if (name.length() + 1 + value.length() > MAX_ENV_STRING_BYTES) {
            throw new UnrepresentableValueException("KEY=value is longer than " + MAX_ENV_STRING_BYTES
                    + " bytes, the most the kernel passes to a process for one variable");
        }
        return text;
    }
}
