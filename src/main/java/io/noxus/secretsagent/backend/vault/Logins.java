package io.noxus.secretsagent.backend.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.config.VaultBackendSettings.AppRoleAuth;
import io.noxus.secretsagent.config.VaultBackendSettings.Auth;
import io.noxus.secretsagent.config.VaultBackendSettings.CertAuth;
import io.noxus.secretsagent.config.VaultBackendSettings.TokenAuth;
import io.noxus.secretsagent.json.JsonTree;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/** The auth methods: a given token, AppRole, TLS certificate. */
final class Logins {
    private Logins() {
    }

    static Login of(Auth auth, Function<String, String> environment) {
        if (auth instanceof TokenAuth token) {
            return new GivenToken(token, environment);
        }
        if (auth instanceof AppRoleAuth appRole) {
            return new AppRole(appRole);
        }
        return new Certificate((CertAuth) auth);
    }

    /** A token from env or file: "logging in" reads it again and asks the server what it is. */
    private record GivenToken(TokenAuth auth, Function<String, String> environment) implements Login {
        @Override
        public Lease login(VaultHttp http) {
            String token;
            if (auth.env().isPresent()) {
                token = environment.apply(auth.env().get());
                if (token == null || token.isBlank()) {
                    throw new VaultCallException(VaultCallException.Kind.REFUSED, "(token)", "the environment "
                            + "variable " + auth.env().get() + " that should hold the token is not set");
                }
                token = token.strip();
            } else {
                token = CredentialFile.read(auth.file().orElseThrow(), "token");
            }
            JsonNode data;
            try {
                data = http.get("auth/token/lookup-self", token).path("data");
            } catch (VaultCallException e) {
                throw e.kind() == VaultCallException.Kind.DENIED ? new VaultCallException(e.kind(), e.apiPath(),
                        "the token from " + describe() + " is not valid (expired or revoked); provide a new one") : e;
            }
            return new Lease(token, Duration.ofSeconds(data.path("ttl").asLong(0)), data.path("renewable")
                    .asBoolean(false));
        }

        @Override
        public String describe() {
            return auth.env().map(e -> "environment variable " + e).orElseGet(() -> "file " + auth.file().get());
        }
    }

    /** AppRole: role_id and secret_id from files; a wrapped secret_id is unwrapped on first use and then kept. */
    private static final class AppRole implements Login {
        private final AppRoleAuth auth;
        private Optional<String> unwrappedSecretId = Optional.empty();

        AppRole(AppRoleAuth auth) {
            this.auth = auth;
        }

        @Override
        public Lease login(VaultHttp http) {
            ObjectNode body = JsonTree.object();
            body.put("role_id", CredentialFile.read(auth.roleIdFile(), "role_id"));
            body.put("secret_id", secretId(http));
            String path = "auth/" + auth.mount() + "/login";
            return Lease.fromAuth(loginCall(http, path, body, describe()
                    + " failed; check role_id_file and secret_id_file"), path);
        }

        private String secretId(VaultHttp http) {
            if (!auth.secretIdWrapped()) {
                return CredentialFile.read(auth.secretIdFile(), "secret_id");
            }
            if (unwrappedSecretId.isEmpty()) {
                String wrapping = CredentialFile.read(auth.secretIdFile(), "wrapped secret_id");
                JsonNode answer;
                try {
                    answer = http.post("sys/wrapping/unwrap", Optional.of(wrapping), JsonTree.object());
                } catch (VaultCallException e) {
                    if (e.isTransient()) {
                        throw e;
                    }
                    throw new VaultCallException(e.kind(), e.apiPath(), "unwrapping the secret_id from "
                            + auth.secretIdFile() + " failed (" + e.getMessage() + "); a wrapping token works once "
                            + "and expires: put a freshly wrapped secret_id in the file");
                }
                JsonNode secretId = answer.path("data").path("secret_id");
                if (!secretId.isTextual()) {
                    throw new VaultCallException(VaultCallException.Kind.MALFORMED, "sys/wrapping/unwrap",
                            "the wrapped answer in " + auth.secretIdFile() + " holds no secret_id");
                }
                unwrappedSecretId = Optional.of(secretId.asText());
            }
            return unwrappedSecretId.get();
        }

        @Override
        public String describe() {
            return "AppRole login at auth/" + auth.mount();
        }
    }

    /** TLS certificate login: the client certificate configured on the backend is the credential. */
    private record Certificate(CertAuth auth) implements Login {
        @Override
        public Lease login(VaultHttp http) {
            ObjectNode body = JsonTree.object();
            auth.role().ifPresent(role -> body.put("name", role));
            String path = "auth/" + auth.mount() + "/login";
            return Lease.fromAuth(loginCall(http, path, body, describe()
                    + " failed; check client_cert_file and the cert role"), path);
        }

        @Override
        public String describe() {
            return "certificate login at auth/" + auth.mount();
        }
    }

    private static JsonNode loginCall(VaultHttp http, String path, JsonNode body, String failure) {
        try {
            return http.post(path, Optional.empty(), body);
        } catch (VaultCallException e) {
            if (e.isTransient()) {
                throw e;
            }
            throw new VaultCallException(e.kind(), path, failure + " (" + e.getMessage() + ")");
        }
    }
}
