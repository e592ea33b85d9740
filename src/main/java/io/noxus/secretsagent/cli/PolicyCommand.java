package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.app.Agent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code policy vault|aws|azure}: print the narrowest read policy this host's config needs in that secret store. */
@Command(name = "policy", description = "Print the narrowest read policy this config needs: vault (HCL), aws "
        + "(IAM JSON) or azure (az role assignment commands, or JSON).")
final class PolicyCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand
    Main main;
    @Mixin
    ConfigOption config;
    @Parameters(index = "0", paramLabel = "vault|aws|azure", description = "Which secret store.")
    String kind;
    @Option(names = "--service", paramLabel = "NAME", description = "Only what this service needs (repeatable).")
    List<String> services = List.of();
    @Option(names = "--account", paramLabel = "ID", description = "aws: the 12-digit account of secrets named by "
            + "name (default: * with a note).")
    String account;
    @Option(names = "--subscription", paramLabel = "ID", description = "azure: the vaults' subscription id "
            + "(default: a marked placeholder).")
    String subscription;
    @Option(names = "--resource-group", paramLabel = "NAME", description = "azure: the vaults' resource group "
            + "(default: a marked placeholder).")
    String resourceGroup;
    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "azure: az commands (text) or the assignments as JSON.")
    RenderCommand.OutputMode output;

    @Override
    public Integer call() {
        if (account != null && !account.matches("\\d{12}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--account takes a 12-digit AWS account id");
        }
        if (!kind.equals("azure") && (subscription != null || resourceGroup != null
                || output == RenderCommand.OutputMode.json)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--subscription, --resource-group and "
                    + "--output are for policy azure");
        }
        if (subscription != null && !subscription.matches("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--subscription takes a subscription id "
                    + "(a GUID)");
        }
        if (resourceGroup != null && !resourceGroup.matches("[-\\w.()]{1,90}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--resource-group takes a resource group "
                    + "name (1 to 90 letters, digits, '-', '_', '.', '(', ')')");
        }
        String policy;
        try (Agent agent = Agent.open(config.file, main.host())) {
            policy = agent.policy(kind, services, Optional.ofNullable(account), Optional.ofNullable(subscription),
                    Optional.ofNullable(resourceGroup), output == RenderCommand.OutputMode.json);
        }
        spec.commandLine().getOut().print(policy.endsWith("\n") ? policy : policy + "\n");
        spec.commandLine().getOut().flush();
        if (kind.equals("aws") && account == null && policy.contains(":*:secret:")) {
            spec.commandLine().getErr().println("note: secrets named by name are granted in any account (*); pass "
                    + "--account ID to name yours");
        }
        if (kind.equals("aws") && policy.contains(":secretsmanager:*:")) {
            spec.commandLine().getErr().println("note: a backend without region is granted in any region (*); set "
                    + "region on the backend to narrow it");
        }
        return 0;
    }
}
