package io.noxus.secretsagent.config;

import io.noxus.secretsagent.secret.Reference;

/** A secret written as a file of its own (a PEM key, a certificate); the scope says which services it concerns. */
public record SecretFileSpec(String location, OutputSpec file, Reference ref, Scope scope,
                             RotationPolicy rotation) {
    /** A short name for reports: {@code file:<file name>}. */
    public String name() {
        return "file:" + file.path().getFileName();
    }
}
