package io.noxus.secretsagent.backend.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.noxus.secretsagent.json.JsonTree;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps a usable token: renews it once two thirds of its life are gone, and logs in again when renewal is no longer
 * possible (not renewable, max TTL reached, revoked or expired). Time comes from the injected clock.
 */
final class VaultSession {
    private final VaultHttp http;
    private final Login login;
    private final Clock clock;
    private Lease lease;
    private Instant renewAt;
    private Instant expiresAt;
    /** False once a renewal came back shorter than asked: the max TTL is near, the next step is a new login. */
    private boolean extendable;

    VaultSession(VaultHttp http, Login login, Clock clock) {
        this.http = http;
        this.login = login;
        this.clock = clock;
    }

    /** A token good for this cycle, renewing or logging in first when due. */
    String token() {
        Instant now = clock.instant();
        if (lease == null || (expiresAt != null && !now.isBefore(expiresAt))) {
            return logIn();
        }
        if (renewAt != null && !now.isBefore(renewAt)) {
            if (!lease.renewable() || !extendable) {
                return logIn();
            }
            return renew(now);
        }
        return lease.token();
    }

    /** After a 403: is the token itself still good? If not, forget it so the next {@link #token()} logs in. */
    boolean stillValid() {
        if (lease == null) {
            return false;
        }
        try {
            http.get("auth/token/lookup-self", lease.token());
            return true;
        } catch (VaultCallException e) {
            if (e.kind() == VaultCallException.Kind.DENIED) {
                lease = null;
                return false;
            }
            return true;
        }
    }

    private String logIn() {
        lease = null;
        Lease fresh = login.login(http);
        adopt(fresh, clock.instant());
        extendable = true;
        return fresh.token();
    }

    private String renew(Instant now) {
        ObjectNode body = JsonTree.object();
        Duration asked = lease.ttl();
        body.put("increment", asked.toSeconds() + "s");
        Lease renewed;
        try {
            renewed = Lease.fromAuth(http.post("auth/token/renew-self", Optional.of(lease.token()), body),
                    "auth/token/renew-self");
        } catch (VaultCallException e) {
            if (e.isTransient() && now.isBefore(expiresAt)) {
                return lease.token(); // still valid; try renewing again next cycle
            }
            if (e.isTransient()) {
                throw e;
            }
            return logIn(); // revoked, expired or no longer renewable
        }
        lease = new Lease(lease.token(), asked, renewed.renewable());
        renewAt = now.plus(renewed.ttl().multipliedBy(2).dividedBy(3));
        expiresAt = now.plus(renewed.ttl());
        extendable = renewed.ttl().compareTo(asked) >= 0;
        return lease.token();
    }

    private void adopt(Lease fresh, Instant now) {
        lease = fresh;
        if (fresh.ttl().isZero()) {
            renewAt = null;
            expiresAt = null;
        } else {
            renewAt = now.plus(fresh.ttl().multipliedBy(2).dividedBy(3));
            expiresAt = now.plus(fresh.ttl());
        }
    }
}
