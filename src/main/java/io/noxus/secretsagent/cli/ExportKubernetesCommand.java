package io.noxus.secretsagent.cli;

import io.noxus.secretsagent.app.Agent;
import io.noxus.secretsagent.kube.ExportOptions;
import io.noxus.secretsagent.kube.KubernetesExport;
import io.noxus.secretsagent.kube.ManifestWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code export kubernetes}: SecretStores, ExternalSecrets and the Noxus chart values from the same config. */
@Command(name = "kubernetes", description = {"Write SecretStores, one ExternalSecret per workload and the Noxus chart "
        + "values fragment, so each workload gets exactly the variables its service gets on a VM.",
        "Reads the secrets of bulk mappings for their field names; writes no value, except with "
                + "--plain-secrets-with-values."})
final class ExportKubernetesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand
    ExportCommand parent;
    @Mixin
    ConfigOption config;
    @Option(names = "--namespace", paramLabel = "NS", description = "metadata.namespace of every namespaced object.")
    String namespace;
    @Option(names = "--service", paramLabel = "NAME", description = "Export only these services (repeatable).")
    List<String> services = new ArrayList<>();
    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "kubernetes",
            description = "Folder to write into (default: ${DEFAULT-VALUE}).")
    Path outputDir;
    @Option(names = "--cluster-store", description = "ClusterSecretStores instead of SecretStores.")
    boolean clusterStore;
    @Option(names = "--vault-auth", defaultValue = "kubernetes", paramLabel = "kubernetes|approle",
            description = "How ESO logs in to Vault (default: ${DEFAULT-VALUE}); approle reads role_id and "
                    + "secret_id from the Secret noxus-BACKEND-approle.")
    String vaultAuth;
    @Option(names = "--vault-role", defaultValue = "noxus-secrets", paramLabel = "ROLE",
            description = "The Vault Kubernetes auth role (default: ${DEFAULT-VALUE}).")
    String vaultRole;
    @Option(names = "--service-account", defaultValue = "noxus-secrets", paramLabel = "NAME",
            description = "The service account ESO authenticates as (default: ${DEFAULT-VALUE}).")
    String serviceAccount;
    @Option(names = "--plain-secrets-with-values", description = "Write core Secrets holding the secret VALUES "
            + "instead of stores and ExternalSecrets (needed for the file backend). The manifests then hold secrets.")
    boolean plain;

    @Override
    public Integer call() {
        ExportOptions.VaultAuth auth = switch (vaultAuth) {
            case "kubernetes" -> ExportOptions.VaultAuth.KUBERNETES;
            case "approle" -> ExportOptions.VaultAuth.APPROLE;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--vault-auth: '" + vaultAuth + "' is neither kubernetes nor approle");
        };
        ExportOptions options = new ExportOptions(Optional.ofNullable(namespace), services, clusterStore, plain, auth,
                vaultRole, serviceAccount);
        KubernetesExport.Result result;
        try (Agent agent = Agent.open(config.file, parent.mainHost())) {
            result = agent.kubernetes().run(options);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Path written : ManifestWriter.write(outputDir, result)) {
            out.println("wrote " + written);
        }
        result.workloads().forEach(w -> out.println(w.name() + " (" + w.chartKey() + "): " + w.variables().size()
                + " variables, " + w.files().size() + " files"));
        if (plain) {
            spec.commandLine().getErr().println("warning: the Secret manifests in " + outputDir + " hold secret "
                    + "values (mode 0600); do not commit them");
        }
        return 0;
    }
}
