#!/usr/bin/env python3
"""A Key Vault (secrets) + Microsoft Entra (token) test server, for tests only; never packaged.

Written from the public REST references (Key Vault secrets API 7.x, the Microsoft identity platform's client
credentials flow, the Azure Instance Metadata Service token endpoint). Python standard library only, one process:

  azure_test_server.py --dir DIR --config CONFIG.json

It makes a test CA and a server certificate (openssl) in DIR, serves HTTPS on a free 127.0.0.1 port (Key Vault by
the Host header NAME.vault.azure.net:PORT, or a national cloud's vault domain (CLOUDS), Entra under /{tenant}/...
on any host, the IMDS token path) and plain HTTP on a
second free port (the IMDS token path only, as the real 169.254.169.254 speaks it) and on a third (Azure Arc's
token endpoint, as the Connected Machine agent serves it on localhost:40342: a Basic realm=KEYFILE challenge,
then the key file's content as Authorization: Basic KEY), then writes DIR/ready.json
with both ports. Tokens are HS256 JWTs signed with a key made at start, and checked for real on every vault
request: signature, expiry, not-before, tenant and audience. Client assertions (certificate credentials) are
checked against the registered certificate: x5t / x5t#S256 thumbprint, RS256 or PS256 signature, audience = the
token endpoint, iss = sub = client id, expiry.

CONFIG.json:
  {"tenant": "...", "vaults": ["noxus-test"],
   "clients": {"CLIENT_ID": {"secret": "..."} | {"certificate": "/path/cert.pem"}, "allow": ["name", ...] | ["*"]},
   "managed_identities": {"system": {"allow": [...]}, "CLIENT_ID": {"allow": [...]}},
   "arc": {"key_folder": "/path", "allow": [...]},   (optional: the Azure Arc agent's endpoint, identity "mi:arc")
   "secrets": {"name": [{"value": "...", "enabled": true, "exp": 0, "nbf": 0, "tags": {}, "contentType": "...",
                         "created": 0}]}}
  A version's attributes.created and .updated are its creation time: "created" (epoch seconds) when given, else
  the server's own clock (1700000000, one second more per version made); a PATCH moves "updated" only.

Test control (HTTPS, no authentication, paths under /_test/):
  POST /_test/secrets/NAME      body like one version above: adds a new version (becomes latest)
  PATCH /_test/secrets/NAME     body: attributes to set on the latest version (enabled, exp, nbf, tags)
  DELETE /_test/secrets/NAME    soft-deletes the secret (404 from then on)
  POST /_test/throttle          {"count": N, "retry_after": S}: the next N vault requests get 429
  POST /_test/arc_realm         {"path": FILE or null}: the Arc challenge names (and writes its key to) FILE
  POST /_test/token_lifetime    {"seconds": S}: lifetime of the tokens issued from now on
  POST /_test/read_delay        {"seconds": S}: each authorized vault request takes S more seconds (readers overlap)
  GET /_test/in_flight          {"max": M}: the most authorized vault requests answered at once since the reset
  POST /_test/in_flight/reset
  POST /_test/challenge_resource {"resource": URL or null}: the resource the 401 challenge names
  GET /_test/requests           every request since the last reset: [{identity, method, path, status}]
  POST /_test/requests/reset
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import secrets as pyrandom
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Each cloud's Key Vault domain (the challenge's resource, the tokens' audience) and its Microsoft Entra host: a vault
# name answers under each of them (same secrets), and a login host issues tokens only for its own cloud's vaults.
CLOUDS = {"vault.azure.net": "login.microsoftonline.com",
          "vault.usgovcloudapi.net": "login.microsoftonline.us",
          "vault.azure.cn": "login.chinacloudapi.cn"}
API_VERSIONS = ("7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01")
PAGE_MAX = 25
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ---- RSA verification (RS256 and PS256) on Python integers ---------------------------------------------------

def der_read(data, pos):
    """One DER TLV at pos: (tag, value start, value end)."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return tag, pos, pos + length


def der_children(data, start, end):
    out = []
    while start < end:
        tag, vs, ve = der_read(data, start)
        out.append((tag, vs, ve))
        start = ve
    return out


def rsa_public_key(cert_der):
    """(n, e) of the RSA key in an X.509 certificate."""
    _, s, e = der_read(cert_der, 0)                      # Certificate
    tbs = der_children(cert_der, s, e)[0]                # TBSCertificate
    fields = der_children(cert_der, tbs[1], tbs[2])
    if fields[0][0] == 0xA0:                             # [0] version
        fields = fields[1:]
    spki = fields[5]                                     # serial, sigalg, issuer, validity, subject, spki
    algo, bits = der_children(cert_der, spki[1], spki[2])
    key_der = cert_der[bits[1] + 1:bits[2]]              # skip the unused-bits byte
    _, ks, ke = der_read(key_der, 0)
    n, exp = der_children(key_der, ks, ke)
    return int.from_bytes(key_der[n[1]:n[2]], "big"), int.from_bytes(key_der[exp[1]:exp[2]], "big")


SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def verify_rs256(n, e, message, signature):
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    em = pow(int.from_bytes(signature, "big"), e, n).to_bytes(k, "big")
    digest_info = SHA256_PREFIX + hashlib.sha256(message).digest()
    expected = b"\x00\x01" + b"\xff" * (k - 3 - len(digest_info)) + b"\x00" + digest_info
    return hmac.compare_digest(em, expected)


def mgf1(seed, length):
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def verify_ps256(n, e, message, signature):
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    em_bits = n.bit_length() - 1
    em_len = (em_bits + 7) // 8
    em = pow(int.from_bytes(signature, "big"), e, n).to_bytes(k, "big")[-em_len:]
    h_len = 32
    if em[-1] != 0xBC or em_len < 2 * h_len + 2:
        return False
    masked, digest = em[:em_len - h_len - 1], em[em_len - h_len - 1:-1]
    db = bytes(a ^ b for a, b in zip(masked, mgf1(digest, len(masked))))
    db = bytes([db[0] & (0xFF >> (8 * em_len - em_bits))]) + db[1:]
    rest = db.lstrip(b"\x00")
    if not rest or rest[0] != 1:
        return False
    salt = rest[1:]
    m_hash = hashlib.sha256(message).digest()
    return hmac.compare_digest(hashlib.sha256(b"\x00" * 8 + m_hash + salt).digest(), digest)


def pem_to_der(pem_text):
    start = pem_text.index("-----BEGIN CERTIFICATE-----")
    body = pem_text[start:].split("-----END CERTIFICATE-----")[0]
    return base64.b64decode("".join(l for l in body.splitlines() if not l.startswith("-----")))


# ---- state ----------------------------------------------------------------------------------------------------

class State:
    def __init__(self, config):
        self.lock = threading.Lock()
        self.tenant = config["tenant"]
        self.vaults = set(config.get("vaults", []))
        self.signing_key = pyrandom.token_bytes(32)
        self.token_lifetime = int(config.get("token_lifetime", 3600))
        self.clients = {}
        for client_id, spec in config.get("clients", {}).items():
            entry = {"allow": spec.get("allow", ["*"]), "secret": spec.get("secret")}
            if "certificate" in spec:
                with open(spec["certificate"]) as f:
                    der = pem_to_der(f.read())
                entry["cert"] = {"x5t": hashlib.sha1(der).digest(), "x5t#S256": hashlib.sha256(der).digest(),
                                 "key": rsa_public_key(der)}
            self.clients[client_id] = entry
        self.identities = {k: v.get("allow", ["*"]) for k, v in config.get("managed_identities", {}).items()}
        arc = config.get("arc")
        self.arc_folder = arc["key_folder"] if arc else None   # where the Arc agent writes its challenge keys
        self.arc_realm = None                                  # a test may make the challenge name another file
        self.arc_keys = set()                                  # keys handed out, each good for one request
        if arc:
            self.identities["arc"] = arc.get("allow", ["*"])
        self.secrets = {}       # name -> list of versions, oldest first
        self.deleted = set()
        self.clock = 1_700_000_000
        for name, versions in config.get("secrets", {}).items():
            for version in versions:
                self.add_version(name, version)
        self.throttle_count = 0
        self.throttle_after = 1
        self.challenge_resource = None  # set by a test: challenge for another resource
        self.read_delay = 0.0           # seconds each authorized vault request takes (to make readers overlap)
        self.in_flight = 0              # authorized vault requests being answered now ...
        self.max_in_flight = 0          # ... and the most at once since the last reset
        self.requests = []

    def tick(self):
        self.clock += 1
        return self.clock

    def add_version(self, name, spec):
        now = self.tick()
        created = int(spec.get("created", now))  # a test may give a version a known creation time
        version = {"version": pyrandom.token_hex(16), "value": spec["value"],
                   "enabled": spec.get("enabled", True), "created": created, "updated": created,
                   "tags": spec.get("tags"), "contentType": spec.get("contentType"),
                   "exp": spec.get("exp"), "nbf": spec.get("nbf")}
        self.secrets.setdefault(name, []).append(version)
        self.deleted.discard(name)
        return version

    def allowed(self, identity, name):
        if identity.startswith("mi:"):
            allow = self.identities.get(identity[3:], [])
        else:
            allow = self.clients.get(identity, {}).get("allow", [])
        return "*" in allow or name in allow

    def issue(self, subject, audience, extra=None):
        now = int(time.time())
        claims = {"aud": audience, "iss": "https://sts.windows.net/%s/" % self.tenant, "tid": self.tenant,
                  "sub": subject, "oid": subject, "iat": now, "nbf": now - 5, "exp": now + self.token_lifetime}
        claims.update(extra or {})
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = b64url(json.dumps(claims).encode())
        signature = hmac.new(self.signing_key, (header + "." + body).encode(), hashlib.sha256).digest()
        return header + "." + body + "." + b64url(signature), self.token_lifetime

    def check_token(self, token, audience):
        """The token's subject, or raises ValueError with the reason (AKV-like)."""
        try:
            header, body, signature = token.split(".")
            expected = hmac.new(self.signing_key, (header + "." + body).encode(), hashlib.sha256).digest()
            if json.loads(unb64url(header)).get("alg") != "HS256" or not hmac.compare_digest(
                    unb64url(signature), expected):
                raise ValueError("AKV10032: Invalid issuer or signature.")
            claims = json.loads(unb64url(body))
        except (ValueError, KeyError, TypeError) as e:
            if str(e).startswith("AKV"):
                raise
            raise ValueError("AKV10000: Request is missing a Bearer or PoP token.") from e
        now = time.time()
        if claims.get("exp", 0) <= now:
            raise ValueError("AKV10022: Token expired.")
        if claims.get("nbf", 0) > now + 1:
            raise ValueError("AKV10022: Token not yet valid.")
        if claims.get("tid") != self.tenant:
            raise ValueError("AKV10032: Invalid issuer. Expected one of https://sts.windows.net/%s/" % self.tenant)
        if claims.get("aud") != audience:
            raise ValueError("AKV10022: Invalid audience. Expected %s, found: %s." % (audience, claims.get("aud")))
        return claims["sub"]


# ---- HTTP -----------------------------------------------------------------------------------------------------

class Reply(Exception):
    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def kv_error(status, code, message, inner=None, headers=None):
    error = {"code": code, "message": message}
    if inner:
        error["innererror"] = {"code": inner}
    return Reply(status, {"error": error}, headers)


def entra_error(error, code, description):
    return Reply(400 if error != "invalid_client" else 401,
                 {"error": error, "error_description": "AADSTS%d: %s" % (code, description), "error_codes": [code]})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are written apart: no 40 ms Nagle / delayed-ACK stall
    server_version = "AzureTestServer/1"
    state = None
    https_port = 0

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def handle_any(self, method):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        identity = ["anonymous"]
        try:
            self.route(method, url.path, query, body, identity)
            raise Reply(404, {"error": {"code": "NotFound", "message": "no such endpoint"}})
        except Reply as reply:
            if not url.path.startswith("/_test/"):
                with self.state.lock:
                    self.state.requests.append({"identity": identity[0], "method": method, "path": url.path,
                                                "host": self.headers.get("Host", ""), "status": reply.status})
            payload = b"" if reply.body is None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if payload:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    # -- routing --
    def route(self, method, path, query, body, identity):
        host = self.headers.get("Host", "")
        if getattr(self.server, "arc", False):
            if path == "/metadata/identity/oauth2/token" and method == "GET":
                self.arc(query, identity)
            raise Reply(404, {"error": "not_found"})
        if path == "/metadata/identity/oauth2/token" and method == "GET":
            self.imds(query, identity)
        if not self.server.secure:
            raise Reply(404, {"error": "not_found"})
        if path.startswith("/_test/"):
            self.control(method, path, body)
        for domain in CLOUDS:
            if host.lower().endswith(".%s:%d" % (domain, self.https_port)):
                self.vault(host.split(".")[0], domain, method, path, query, identity)
        parts = path.strip("/").split("/")
        if len(parts) >= 2 and parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            self.openid(parts[0])
        if len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"] and method == "POST":
            self.token(parts[0], body, identity)

    def base(self):
        return "https://%s" % self.headers.get("Host")

    # -- Entra --
    def openid(self, tenant):
        if tenant != self.state.tenant:
            raise entra_error("invalid_tenant", 90002, "Tenant '%s' not found." % tenant)
        base = self.base()
        raise Reply(200, {
            "token_endpoint": "%s/%s/oauth2/v2.0/token" % (base, tenant),
            "authorization_endpoint": "%s/%s/oauth2/v2.0/authorize" % (base, tenant),
            "device_authorization_endpoint": "%s/%s/oauth2/v2.0/devicecode" % (base, tenant),
            "issuer": "%s/%s/v2.0" % (base, tenant),
            "jwks_uri": "%s/%s/discovery/v2.0/keys" % (base, tenant),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "subject_types_supported": ["pairwise"], "id_token_signing_alg_values_supported": ["RS256"],
            "tenant_region_scope": "WW", "cloud_instance_name": "microsoftonline.com"})

    def token(self, tenant, body, identity):
        form = dict(urllib.parse.parse_qsl(body.decode()))
        if tenant != self.state.tenant:
            raise entra_error("invalid_request", 90002, "Tenant '%s' not found." % tenant)
        if form.get("grant_type") != "client_credentials":
            raise entra_error("unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
        client_id = form.get("client_id", "")
        identity[0] = client_id or "anonymous"
        client = self.state.clients.get(client_id)
        if client is None:
            raise entra_error("unauthorized_client", 700016,
                              "Application with identifier '%s' was not found in the directory." % client_id)
        # One resource's /.default; the OpenID scopes some clients add (MSAL for Java sends "openid profile
        # offline_access" too) are ignored for client credentials, as Entra does.
        resources = [s for s in form.get("scope", "").split() if s not in ("openid", "profile", "offline_access")]
        if len(resources) != 1 or not resources[0].endswith("/.default"):
            raise entra_error("invalid_scope", 1002012, "The provided value for scope %s is not valid."
                              % form.get("scope", ""))
        scope = resources[0]
        login = self.headers.get("Host", "").split(":")[0].lower()
        resource_host = urllib.parse.urlsplit(scope).hostname or ""
        if resource_host in CLOUDS and CLOUDS[resource_host] != login and login in CLOUDS.values():
            raise entra_error("invalid_resource", 500011, "The resource principal named %s was not found in the "
                                                          "tenant (a resource of another cloud than %s)." % (
                                                              scope[:-len("/.default")], login))
        if "client_secret" in form:
            if not client.get("secret") or not hmac.compare_digest(form["client_secret"], client["secret"]):
                raise entra_error("invalid_client", 7000215, "Invalid client secret provided.")
        elif form.get("client_assertion_type") == ASSERTION_TYPE and "client_assertion" in form:
            self.check_assertion(client_id, client, form["client_assertion"], "%s/%s/oauth2/v2.0/token" % (
                self.base(), tenant))
        else:
            raise entra_error("invalid_client", 7000218,
                              "The request body must contain 'client_assertion' or 'client_secret'.")
        token, lifetime = self.state.issue(client_id, scope[:-len("/.default")], {"appid": client_id})
        raise Reply(200, {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime,
                          "access_token": token})

    def check_assertion(self, client_id, client, assertion, audience):
        cert = client.get("cert")
        if cert is None:
            raise entra_error("invalid_client", 700027, "Client assertion failed signature validation: "
                                                        "no certificate registered for this application.")
        try:
            header_b64, claims_b64, signature_b64 = assertion.split(".")
            header = json.loads(unb64url(header_b64))
            claims = json.loads(unb64url(claims_b64))
            signature = unb64url(signature_b64)
        except (ValueError, TypeError):
            raise entra_error("invalid_client", 50027, "JWT token is invalid or malformed.")
        # A thumbprint is base64url of the certificate's digest (padded or not: MSAL pads, RFC 7515 does not).
        kind = "x5t#S256" if header.get("x5t#S256") is not None else "x5t"
        try:
            thumbprint_ok = unb64url(str(header.get(kind, "")).rstrip("=")) == cert[kind]
        except ValueError:
            thumbprint_ok = False
        if not thumbprint_ok:
            raise entra_error("invalid_client", 700027, "Client assertion contains an invalid signature. "
                                                        "[Reason - The key was not found.]")
        n, e = cert["key"]
        message = (header_b64 + "." + claims_b64).encode()
        algorithm = header.get("alg")
        if algorithm == "RS256":
            good = verify_rs256(n, e, message, signature)
        elif algorithm == "PS256":
            good = verify_ps256(n, e, message, signature)
        else:
            good = False
        if not good:
            raise entra_error("invalid_client", 700027, "Client assertion failed signature validation.")
        now = time.time()
        if claims.get("aud") != audience:
            raise entra_error("invalid_client", 700016 if False else 50013,
                              "Assertion audience %s does not match the token endpoint." % claims.get("aud"))
        if claims.get("iss") != client_id or claims.get("sub") != client_id:
            raise entra_error("invalid_client", 700023, "Client assertion iss and sub must be the client id.")
        if claims.get("exp", 0) <= now:
            raise entra_error("invalid_client", 700024, "Client assertion is not within its valid time range.")
        if claims.get("nbf", 0) > now + 300:
            raise entra_error("invalid_client", 700024, "Client assertion is not within its valid time range.")
        if not claims.get("jti"):
            raise entra_error("invalid_client", 50027, "Client assertion has no jti.")

    # -- managed identity (IMDS) --
    def imds(self, query, identity):
        if self.headers.get("Metadata") != "true":
            raise Reply(400, {"error": "invalid_request", "error_description": "Required metadata header not specified"})
        resource = query.get("resource")
        if not resource or query.get("api-version") is None:
            raise Reply(400, {"error": "invalid_request",
                              "error_description": "Required query variable 'resource' is missing"})
        client_id = query.get("client_id")
        key = client_id or "system"
        if key not in self.state.identities:
            raise Reply(400, {"error": "invalid_request", "error_description": "Identity not found"})
        identity[0] = "mi:" + key
        audience = resource[:-len("/.default")] if resource.endswith("/.default") else resource
        token, lifetime = self.state.issue("mi:" + key, audience)
        raise Reply(200, {"access_token": token, "client_id": client_id or "system-assigned",
                          "expires_in": str(lifetime), "expires_on": str(int(time.time()) + lifetime),
                          "ext_expires_in": str(lifetime), "not_before": str(int(time.time())),
                          "resource": resource, "token_type": "Bearer"})

    # -- Azure Arc (the Hybrid Instance Metadata Service of the Connected Machine agent) --
    def arc(self, query, identity):
        """A request without Authorization gets 401 + WWW-Authenticate: Basic realm=<a new key file>; a request with
        Authorization: Basic <that file's content> gets a token for the machine's system-assigned identity."""
        if self.headers.get("Metadata") != "true":
            raise Reply(400, {"error": "invalid_request", "error_description": "Required metadata header not specified"})
        resource = query.get("resource")
        if not resource or query.get("api-version") is None:
            raise Reply(400, {"error": "invalid_request",
                              "error_description": "Required query variable 'resource' is missing"})
        if query.get("client_id") or query.get("object_id") or query.get("msi_res_id"):
            raise Reply(400, {"error": "invalid_request",
                              "error_description": "User assigned identity is not supported on Azure Arc"})
        authorization = self.headers.get("Authorization", "")
        if not authorization.startswith("Basic "):
            key = pyrandom.token_hex(32)
            path = self.state.arc_realm or os.path.join(self.state.arc_folder, "%s.key" % pyrandom.token_hex(16))
            with open(path, "w") as f:
                f.write(key)
            with self.state.lock:
                self.state.arc_keys.add(key)
            raise Reply(401, {"error": "unauthorized", "error_description": "Key file required"},
                        {"WWW-Authenticate": "Basic realm=%s" % path})
        with self.state.lock:
            good = authorization[len("Basic "):] in self.state.arc_keys
            self.state.arc_keys.discard(authorization[len("Basic "):])
        if not good:
            raise Reply(401, {"error": "unauthorized", "error_description": "Invalid key"})
        identity[0] = "mi:arc"
        audience = resource[:-len("/.default")] if resource.endswith("/.default") else resource
        token, lifetime = self.state.issue("mi:arc", audience)
        raise Reply(200, {"access_token": token, "expires_in": str(lifetime),
                          "expires_on": str(int(time.time()) + lifetime), "not_before": str(int(time.time())),
                          "resource": resource, "token_type": "Bearer"})

    # -- Key Vault --
    def challenge(self, domain):
        resource = self.state.challenge_resource or "https://%s:%d" % (domain, self.https_port)
        return {"WWW-Authenticate": 'Bearer authorization="https://%s:%d/%s", resource="%s"' % (
            CLOUDS[domain], self.https_port, self.state.tenant, resource)}

    def vault(self, vault, domain, method, path, query, identity):
        if vault not in self.state.vaults:
            raise Reply(404, None)
        if query.get("api-version") not in API_VERSIONS:
            raise kv_error(400, "BadParameter", "The specified version (%s) is not recognized. Consider using "
                                                "the latest supported version (7.6)." % query.get("api-version"))
        authorization = self.headers.get("Authorization", "")
        if not authorization.startswith("Bearer "):
            raise kv_error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.",
                           headers=self.challenge(domain))
        try:
            identity[0] = self.state.check_token(authorization[len("Bearer "):],
                                                 "https://%s:%d" % (domain, self.https_port))
        except ValueError as e:
            raise kv_error(401, "Unauthorized", str(e), headers=self.challenge(domain))
        with self.state.lock:
            if self.state.throttle_count > 0:
                self.state.throttle_count -= 1
                raise kv_error(429, "Throttled", "Rate limit is exceeded. Try again in %d seconds." %
                               self.state.throttle_after, headers={"Retry-After": str(self.state.throttle_after)})
        with self.state.lock:
            self.state.in_flight += 1
            self.state.max_in_flight = max(self.state.max_in_flight, self.state.in_flight)
            delay = self.state.read_delay
        try:
            if delay:
                time.sleep(delay)
            self.vault_read(method, path, query, identity)
        finally:
            with self.state.lock:
                self.state.in_flight -= 1

    def vault_read(self, method, path, query, identity):
        if method != "GET":
            raise kv_error(405, "MethodNotAllowed", "this test server serves reads only")
        parts = path.strip("/").split("/")
        if parts[0] != "secrets":
            raise kv_error(404, "NotFound", "no such endpoint")
        with self.state.lock:
            if len(parts) == 1:
                self.list_secrets(query, identity[0])
            name = parts[1]
            if not self.state.allowed(identity[0], name):
                raise kv_error(403, "Forbidden", "Caller is not authorized to perform action on resource.\r\n"
                                                 "If role assignments, deny assignments or role definitions were "
                                                 "changed recently, please observe propagation time.\r\n"
                                                 "Caller: appid=%s\r\nAction: 'Microsoft.KeyVault/vaults/secrets/"
                                                 "getSecret/action'\r\nResource: '/secrets/%s'" % (identity[0], name),
                               inner="ForbiddenByRbac")
            versions = self.state.secrets.get(name)
            if not versions or name in self.state.deleted:
                raise kv_error(404, "SecretNotFound", "A secret with (name/id) %s was not found in this key vault. "
                                                      "If you recently deleted this secret you may be able to "
                                                      "recover it using the correct recovery command." % name)
            if len(parts) == 3 and parts[2] == "versions":
                self.list_versions(name, versions, query)
            if len(parts) == 2 or (len(parts) == 3 and parts[2] == ""):
                version = versions[-1]
            elif len(parts) == 3:
                found = [v for v in versions if v["version"] == parts[2]]
                if not found:
                    raise kv_error(404, "SecretNotFound", "A secret with (name/id) %s/%s was not found in this "
                                                          "key vault." % (name, parts[2]))
                version = found[0]
            else:
                raise kv_error(404, "NotFound", "no such endpoint")
            if not version["enabled"]:
                raise kv_error(403, "Forbidden", "Operation get is not allowed on a disabled secret.",
                               inner="SecretDisabled")
            bundle = self.item(name, version)
            bundle["value"] = version["value"]
            raise Reply(200, bundle)

    def item(self, name, version, with_version=True):
        attributes = {"enabled": version["enabled"], "created": version["created"], "updated": version["updated"],
                      "recoveryLevel": "Recoverable+Purgeable", "recoverableDays": 90}
        for key in ("exp", "nbf"):
            if version.get(key) is not None:
                attributes[key] = version[key]
        out = {"id": "%s/secrets/%s" % (self.base(), name) + ("/" + version["version"] if with_version else ""),
               "attributes": attributes}
        if version.get("tags") is not None:
            out["tags"] = version["tags"]
        if version.get("contentType") is not None:
            out["contentType"] = version["contentType"]
        return out

    def page(self, items, query, path):
        try:
            size = int(query.get("maxresults", PAGE_MAX))
        except ValueError:
            size = 0
        if size < 1 or size > PAGE_MAX:
            raise kv_error(400, "BadParameter", "invalid maxresults value %s: must be 1..25" % query.get("maxresults"))
        start = int(query.get("$skiptoken", "0") or 0)
        body = {"value": items[start:start + size], "nextLink": None}
        if start + size < len(items):
            body["nextLink"] = "%s%s?api-version=%s&$skiptoken=%d&maxresults=%d" % (
                self.base(), path, query["api-version"], start + size, size)
        raise Reply(200, body)

    def list_secrets(self, query, identity):
        # Listing needs the list permission on the vault: an identity allowed only some names may not list.
        if not self.state.allowed(identity, "*") and not self.state.allowed(identity, "/list"):
            raise kv_error(403, "Forbidden", "Caller is not authorized to perform action on resource.\r\n"
                                             "Action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'",
                           inner="ForbiddenByRbac")
        items = [self.item(name, versions[-1], with_version=False)
                 for name, versions in sorted(self.state.secrets.items()) if name not in self.state.deleted]
        self.page(items, query, "/secrets")

    def list_versions(self, name, versions, query):
        self.page([self.item(name, v) for v in versions], query, "/secrets/%s/versions" % name)

    # -- control --
    def control(self, method, path, body):
        data = json.loads(body) if body else {}
        state = self.state
        with state.lock:
            if path == "/_test/requests" and method == "GET":
                raise Reply(200, state.requests)
            if path == "/_test/requests/reset" and method == "POST":
                state.requests = []
                raise Reply(204, None)
            if path == "/_test/throttle" and method == "POST":
                state.throttle_count = int(data["count"])
                state.throttle_after = int(data.get("retry_after", 1))
                raise Reply(204, None)
            if path == "/_test/read_delay" and method == "POST":
                state.read_delay = float(data["seconds"])
                raise Reply(204, None)
            if path == "/_test/in_flight" and method == "GET":
                raise Reply(200, {"max": state.max_in_flight})
            if path == "/_test/in_flight/reset" and method == "POST":
                state.max_in_flight = state.in_flight
                raise Reply(204, None)
            if path == "/_test/challenge_resource" and method == "POST":
                state.challenge_resource = data.get("resource")
                raise Reply(204, None)
            if path == "/_test/arc_realm" and method == "POST":
                state.arc_realm = data.get("path")
                raise Reply(204, None)
            if path == "/_test/token_lifetime" and method == "POST":
                state.token_lifetime = int(data["seconds"])
                raise Reply(204, None)
            if path.startswith("/_test/secrets/"):
                name = path[len("/_test/secrets/"):]
                if method == "POST":
                    version = state.add_version(name, data)
                    raise Reply(200, {"version": version["version"]})
                if name not in state.secrets:
                    raise Reply(404, None)
                if method == "PATCH":
                    latest = state.secrets[name][-1]
                    latest.update({k: v for k, v in data.items() if k in ("enabled", "exp", "nbf", "tags")})
                    latest["updated"] = max(state.tick(), latest["updated"] + 1)
                    raise Reply(204, None)
                if method == "DELETE":
                    state.deleted.add(name)
                    raise Reply(204, None)
        raise Reply(404, None)


# ---- start ----------------------------------------------------------------------------------------------------

def make_certificates(folder):
    """A CA made now, and a server certificate it signs for each cloud's *.VAULT-DOMAIN and login host, 127.0.0.1."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ca_key, ca, key, csr, cert = (os.path.join(folder, n) for n in ("ca.key", "ca.pem", "server.key", "server.csr",
                                                                    "server.pem"))
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
        "-subj", "/CN=Azure test server CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=vault.azure.net")
    ext = os.path.join(folder, "server.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=" + ",".join("DNS:*.%s,DNS:%s" % cloud for cloud in CLOUDS.items())
                + ",DNS:localhost,IP:127.0.0.1\n"
                "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "2",
        "-extfile", ext)
    os.unlink(ca_key)
    return cert, key


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    with open(args.config) as f:
        config = json.load(f)
    state = State(config)
    cert, key = make_certificates(args.dir)

    secure = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    secure.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    secure.socket = context.wrap_socket(secure.socket, server_side=True)
    secure.secure = True
    plain = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    plain.daemon_threads = True
    plain.secure = False
    Handler.state = state
    Handler.https_port = secure.server_address[1]

    arc = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    arc.daemon_threads = True
    arc.secure = False
    arc.arc = True

    threading.Thread(target=plain.serve_forever, daemon=True).start()
    threading.Thread(target=arc.serve_forever, daemon=True).start()
    ready = os.path.join(args.dir, "ready.json")
    with open(ready + ".tmp", "w") as f:
        json.dump({"https_port": secure.server_address[1], "http_port": plain.server_address[1],
                   "arc_port": arc.server_address[1],
                   "ca": os.path.join(args.dir, "ca.pem"), "pid": os.getpid()}, f)
    os.rename(ready + ".tmp", ready)
    try:
        secure.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
