package io.noxus.secretsagent.backend.azure;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.config.AzureBackendSettings;
import io.noxus.secretsagent.config.AzureBackendSettings.ClientCertificate;
import io.noxus.secretsagent.config.AzureBackendSettings.ClientSecret;
import io.noxus.secretsagent.config.AzureBackendSettings.ManagedIdentity;
import io.noxus.secretsagent.json.Json;
import io.noxus.secretsagent.secret.AgentException;
import io.noxus.secretsagent.secret.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The narrowest Azure RBAC grant for the agent's reads from Key Vault: the built-in role {@code Key Vault Secrets
 * User} on each secret's own scope ({@code .../vaults/VAULT/secrets/NAME}; a role cannot be given on one version, so a
 * pinned reference is granted its secret). A bulk mapping (name prefix or tag) lists the vault, and listing needs the role
 * at the vault's scope: that vault then gets one vault-scope assignment, which covers its other secrets too. The
 * subscription and resource group are not in the config: given, or printed as marked placeholders.
 */
public final class AzurePolicy {
    public static final String ROLE = "Key Vault Secrets User";
    /** The built-in role's definition id (the same in every tenant). */
    public static final String ROLE_ID = "4633458b-17de-408a-b874-0445c86b69e6";
    static final String SUBSCRIPTION_PLACEHOLDER = "<subscription-id>";
    static final String GROUP_PLACEHOLDER = "<resource-group>";
    static final String SYSTEM_IDENTITY_PLACEHOLDER = "<principal-id-of-the-system-assigned-identity>";

    private AzurePolicy() {
    }

    /** One document one backend reads, and what it feeds. */
    public record Secret(AzureBackendSettings backend, Reference document, List<String> feeds) {
    }

    /** One role assignment: who, where, why. */
    public record Assignment(String backend, String assignee, String scope, boolean vaultScope,
                             List<String> references, List<String> feeds) {
    }

    /** The assignments, one per scope and assignee, in config order. */
    public static List<Assignment> assignments(List<Secret> secrets, Optional<String> subscription,
                                               Optional<String> resourceGroup) {
        String prefix = "/subscriptions/" + subscription.orElse(SUBSCRIPTION_PLACEHOLDER) + "/resourceGroups/"
                + resourceGroup.orElse(GROUP_PLACEHOLDER) + "/providers/Microsoft.KeyVault/vaults/";
        Set<String> bulkVaults = new LinkedHashSet<>();
        for (Secret s : secrets) {
            if (address(s).prefix()) {
                bulkVaults.add(s.backend().name());
            }
        }
        Map<String, Building> scopes = new LinkedHashMap<>();
        for (Secret s : secrets) {
            SecretAddress address = address(s);
            boolean vaultScope = bulkVaults.contains(s.backend().name());
            String scope = prefix + vaultName(s.backend()) + (vaultScope ? ""
                    : "/secrets/" + address.name().toLowerCase(Locale.ROOT));
            String assignee = assignee(s.backend());
            Building b = scopes.computeIfAbsent(assignee + " " + scope,
                    k -> new Building(s.backend().name(), assignee, scope, vaultScope));
            b.references.add(s.document().toString());
            b.feeds.addAll(s.feeds());
        }
        return scopes.values().stream().map(b -> new Assignment(b.backend, b.assignee, b.scope, b.vaultScope,
                List.copyOf(b.references), List.copyOf(b.feeds))).toList();
    }

    /** {@code az role assignment create} commands, with comment lines for what is unknown and why a scope is wide. */
    public static String commands(List<Secret> secrets, Optional<String> subscription, Optional<String> resourceGroup) {
        List<Assignment> assignments = assignments(secrets, subscription, resourceGroup);
        StringBuilder out = new StringBuilder("# " + ROLE + " on each secret this config reads (az CLI)\n");
        if (subscription.isEmpty()) {
            out.append("# ").append(SUBSCRIPTION_PLACEHOLDER).append(": not known here; pass --subscription ID or "
                    + "replace it\n");
        }
        if (resourceGroup.isEmpty()) {
            out.append("# ").append(GROUP_PLACEHOLDER).append(": the vault's resource group, not known here; pass "
                    + "--resource-group NAME or replace it\n");
        }
        if (assignments.stream().anyMatch(a -> a.assignee().equals(SYSTEM_IDENTITY_PLACEHOLDER))) {
            out.append("# ").append(SYSTEM_IDENTITY_PLACEHOLDER).append(": the host's system-assigned identity "
                    + "(az vm identity show / az connectedmachine show --query identity.principalId)\n");
        }
        boolean perSecret = assignments.stream().anyMatch(a -> !a.vaultScope());
        if (perSecret) {
            out.append("# secret scope: the identity cannot list the vault, so the agent gets each secret every "
                    + "cycle instead of one list page per 25 (docs/backend-azure.md)\n");
        }
        for (Assignment a : assignments) {
            out.append("\n# backend ").append(a.backend()).append(": ").append(String.join(", ", a.references()))
                    .append(" -> ").append(String.join(", ", a.feeds())).append('\n');
            if (a.vaultScope()) {
                out.append("# vault scope: a bulk mapping (name prefix or tag) lists the vault, which needs the role on "
                        + "the vault; it covers the vault's other secrets too\n");
            }
            out.append("az role assignment create --assignee \"").append(a.assignee()).append("\" --role \"")
                    .append(ROLE).append("\" --scope \"").append(a.scope()).append("\"\n");
        }
        return out.toString();
    }

    /** The same as JSON: the role, its id, the placeholders left, and the assignments. */
    public static ObjectNode json(List<Secret> secrets, Optional<String> subscription, Optional<String> resourceGroup) {
        List<Assignment> assignments = assignments(secrets, subscription, resourceGroup);
        ObjectNode tree = Json.MAPPER.createObjectNode().put("role", ROLE).put("role_definition_id", ROLE_ID);
        ArrayNode placeholders = tree.putArray("placeholders");
        if (subscription.isEmpty()) {
            placeholders.add(SUBSCRIPTION_PLACEHOLDER);
        }
        if (resourceGroup.isEmpty()) {
            placeholders.add(GROUP_PLACEHOLDER);
        }
        if (assignments.stream().anyMatch(a -> a.assignee().equals(SYSTEM_IDENTITY_PLACEHOLDER))) {
            placeholders.add(SYSTEM_IDENTITY_PLACEHOLDER);
        }
        ArrayNode list = tree.putArray("assignments");
        for (Assignment a : assignments) {
            ObjectNode o = list.addObject().put("backend", a.backend()).put("assignee", a.assignee())
                    .put("scope", a.scope()).put("scope_kind", a.vaultScope() ? "vault" : "secret");
            o.set("references", Json.MAPPER.valueToTree(a.references()));
            o.set("feeds", Json.MAPPER.valueToTree(a.feeds()));
        }
        return tree;
    }

    private static SecretAddress address(Secret s) {
        return SecretAddress.parse(s.document().path()).orElseThrow(() -> new AgentException(s.document() + ": "
                + SecretAddress.FORM_HELP));
    }

    /** The vault's name: the first label of its host. */
    static String vaultName(AzureBackendSettings backend) {
        String host = backend.vaultUrl().getHost();
        return host.substring(0, host.indexOf('.') < 0 ? host.length() : host.indexOf('.'));
    }

    /** Who gets the role: the application (client) id, or a placeholder for a system-assigned identity. */
    static String assignee(AzureBackendSettings backend) {
        if (backend.credential() instanceof ClientSecret c) {
            return c.clientId();
        }
        if (backend.credential() instanceof ClientCertificate c) {
            return c.clientId();
        }
        if (backend.credential() instanceof ManagedIdentity m) {
            return m.clientId().orElse(SYSTEM_IDENTITY_PLACEHOLDER);
        }
        return SYSTEM_IDENTITY_PLACEHOLDER; // Azure Arc: the machine's system-assigned identity
    }

    private static final class Building {
        final String backend;
        final String assignee;
        final String scope;
        final boolean vaultScope;
        final Set<String> references = new LinkedHashSet<>();
        final Set<String> feeds = new LinkedHashSet<>();

        Building(String backend, String assignee, String scope, boolean vaultScope) {
            this.backend = backend;
            this.assignee = assignee;
            this.scope = scope;
            this.vaultScope = vaultScope;
        }
    }
}
