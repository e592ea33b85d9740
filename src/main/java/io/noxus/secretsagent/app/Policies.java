package io.noxus.secretsagent.app;

import io.noxus.secretsagent.backend.SecretBackend;
import io.noxus.secretsagent.backend.aws.AwsPolicy;
import io.noxus.secretsagent.backend.azure.AzurePolicy;
import io.noxus.secretsagent.backend.vault.VaultBackend;
import io.noxus.secretsagent.config.AgentConfig;
import io.noxus.secretsagent.config.AwsBackendSettings;
import io.noxus.secretsagent.config.AzureBackendSettings;
import io.noxus.secretsagent.config.BackendSettings;
import io.noxus.secretsagent.config.Mapping;
import io.noxus.secretsagent.config.SecretFileSpec;
import io.noxus.secretsagent.config.ServiceSpec;
import io.noxus.secretsagent.config.VaultBackendSettings;
import io.noxus.secretsagent.json.Json;
import io.noxus.secretsagent.secret.AgentException;
import io.noxus.secretsagent.secret.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code policy vault|aws|azure}: the narrowest read policy this host's config needs in a secret store, derived from the
 * references the selected services (all when none is named) reach. Names and paths only.
 */
final class Policies {
    private final AgentConfig config;
    private final Map<String, SecretBackend> backends;

    Policies(AgentConfig config, Map<String, SecretBackend> backends) {
        this.config = config;
        this.backends = backends;
    }

    /** What only some kinds use: the AWS account; the Azure subscription and resource group; JSON for azure. */
    record Options(Optional<String> account, Optional<String> subscription, Optional<String> resourceGroup,
                   boolean json) {
    }

    String policy(String kind, List<ServiceSpec> services, Options options) {
        return switch (kind) {
            case "vault" -> vault(services);
            case "aws" -> Json.pretty(AwsPolicy.document(aws(services), options.account()));
            case "azure" -> options.json()
                    ? Json.pretty(AzurePolicy.json(azure(services), options.subscription(), options.resourceGroup()))
                    : AzurePolicy.commands(azure(services), options.subscription(), options.resourceGroup());
            default -> throw new AgentException("unknown policy kind '" + kind + "'; expected vault, aws or azure");
        };
    }

    private String vault(List<ServiceSpec> services) {
        StringBuilder out = new StringBuilder();
        perBackend(services, VaultBackendSettings.class).forEach((name, feeds) -> {
            if (!(backends.get(name) instanceof VaultBackend vault)) {
                throw new IllegalStateException("backend " + name + " is not a vault backend");
            }
            out.append(out.isEmpty() ? "" : "\n").append(vault.policy(feeds));
        });
        if (out.isEmpty()) {
            throw none("vault", services);
        }
        return out.toString();
    }

    private List<AwsPolicy.Secret> aws(List<ServiceSpec> services) {
        List<AwsPolicy.Secret> secrets = new ArrayList<>();
        perBackend(services, AwsBackendSettings.class).forEach((name, feeds) -> feeds.forEach((doc, fed) ->
                secrets.add(new AwsPolicy.Secret((AwsBackendSettings) config.backends().get(name), doc, fed))));
        if (secrets.isEmpty()) {
            throw none("aws-secrets-manager", services);
        }
        return secrets;
    }

    private List<AzurePolicy.Secret> azure(List<ServiceSpec> services) {
        List<AzurePolicy.Secret> secrets = new ArrayList<>();
        perBackend(services, AzureBackendSettings.class).forEach((name, feeds) -> feeds.forEach((doc, fed) ->
                secrets.add(new AzurePolicy.Secret((AzureBackendSettings) config.backends().get(name), doc, fed))));
        if (secrets.isEmpty()) {
            throw none("azure-key-vault", services);
        }
        return secrets;
    }

    /** Per backend of this type (by name: the config's backends map has no stable order), per document, what it feeds. */
    private Map<String, Map<Reference, List<String>>> perBackend(List<ServiceSpec> services,
                                                              Class<? extends BackendSettings> type) {
        Map<String, Map<Reference, Set<String>>> found = new LinkedHashMap<>();
        new java.util.TreeMap<>(config.backends()).forEach((name, settings) -> {
            if (type.isInstance(settings)) {
                found.put(name, new LinkedHashMap<>());
            }
        });
        for (Mapping m : config.mappings()) {
            if (services.stream().anyMatch(s -> m.scope().reaches(s)) && found.containsKey(m.ref().backend())) {
                found.get(m.ref().backend()).computeIfAbsent(m.ref().document(), r -> new LinkedHashSet<>())
                        .add(m.env().orElse(m.prefix() + "*"));
            }
        }
        for (SecretFileSpec f : config.files()) {
            if (services.stream().anyMatch(s -> f.scope().reaches(s)) && found.containsKey(f.ref().backend())) {
                found.get(f.ref().backend()).computeIfAbsent(f.ref().document(), r -> new LinkedHashSet<>())
                        .add(f.name());
            }
        }
        Map<String, Map<Reference, List<String>>> out = new LinkedHashMap<>();
        found.forEach((name, docs) -> {
            if (!docs.isEmpty()) {
                Map<Reference, List<String>> feeds = new LinkedHashMap<>();
                docs.forEach((doc, fed) -> feeds.put(doc, List.copyOf(fed)));
                out.put(name, feeds);
            }
        });
        return out;
    }

    private AgentException none(String type, List<ServiceSpec> services) {
        return new AgentException("no " + type + " reference reaches " + (services.size() == config.services().size()
                ? "any service" : "services " + String.join(", ", services.stream().map(ServiceSpec::name).toList()))
                + " in " + config.sources().get(0) + "; nothing to grant");
    }
}
