#!/usr/bin/env python3
"""Microsoft's own clients (azure-keyvault-secrets, azure-identity) against the Azure test server.

Run by AzureSdkConformanceIT inside a private mount namespace whose /etc/hosts resolves the vault and login names
to 127.0.0.1, with SSL_CERT_FILE / REQUESTS_CA_BUNDLE naming the test CA. Arguments: one JSON object (see
AzureSdkConformanceIT) with the ports, tenant, vault name, client ids, secret and certificate path. Prints one line
per check, "ok NAME" or "FAIL NAME: reason", and exits 1 if any failed. The server's state is arranged by the
JUnit test before this runs; the checks that change it (throttling, token lifetime) use the server's /_test/ API.
"""

import json
import os
import ssl
import sys
import time
import traceback
import urllib.error
import urllib.request

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.identity import CertificateCredential, ClientSecretCredential, ManagedIdentityCredential
from azure.keyvault.secrets import SecretClient

P = json.loads(sys.argv[1])
HTTPS = P["https_port"]
AUTHORITY = "https://login.microsoftonline.com:%d" % HTTPS
VAULT_URL = "https://%s.vault.azure.net:%d" % (P["vault"], HTTPS)
TLS = ssl.create_default_context(cafile=P["ca"])
RESULTS = []


def control(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request("https://127.0.0.1:%d%s" % (HTTPS, path), data=data, method=method)
    with urllib.request.urlopen(request, context=TLS) as response:
        text = response.read()
        return json.loads(text) if text else None


def requests_since_reset():
    """The requests since the last reset; a path's trailing slash (the SDK's "latest version") dropped."""
    return [dict(r, path=r["path"].rstrip("/")) for r in control("GET", "/_test/requests")]


def reset():
    control("POST", "/_test/requests/reset")


def secret_credential(secret=None):
    return ClientSecretCredential(P["tenant"], P["secret_client"], secret or P["client_secret"],
                                  authority=AUTHORITY, disable_instance_discovery=True)


def client(credential, **kwargs):
    return SecretClient(VAULT_URL, credential, **kwargs)


def check(name):
    def wrap(fn):
        reset()
        try:
            fn()
            RESULTS.append((name, None))
        except Exception as e:  # noqa: BLE001 - report every failure as a failed check
            RESULTS.append((name, "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")))
            traceback.print_exc(file=sys.stderr)
        return fn
    return wrap


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def raises(kind, fn):
    try:
        fn()
    except kind as e:
        return e
    raise AssertionError("expected %s" % kind.__name__)


@check("challenge_then_client_secret_token_then_get_latest")
def _():
    secret = client(secret_credential()).get_secret("database-url")
    expect(secret.value == P["values"]["database-url"], "value")
    expect(secret.properties.content_type == "text/plain", "contentType %r" % secret.properties.content_type)
    expect(secret.properties.tags == {"team": "platform"}, "tags %r" % secret.properties.tags)
    seen = [(r["identity"], r["path"], r["status"]) for r in requests_since_reset()]
    expect(seen[0] == ("anonymous", "/secrets/database-url", 401), "first request is the challenge: %r" % seen)
    expect(seen[1] == (P["secret_client"], "/%s/v2.0/.well-known/openid-configuration" % P["tenant"], 200)
           or seen[1][1].endswith("openid-configuration"), "then OpenID discovery: %r" % seen)
    expect(seen[-2] == (P["secret_client"], "/%s/oauth2/v2.0/token" % P["tenant"], 200), "then a token: %r" % seen)
    expect(seen[-1] == (P["secret_client"], "/secrets/database-url", 200), "then the secret: %r" % seen)


@check("client_certificate_assertion")
def _():
    credential = CertificateCredential(P["tenant"], P["cert_client"], certificate_path=P["cert_pem"],
                                       authority=AUTHORITY, disable_instance_discovery=True)
    expect(client(credential).get_secret("database-url").value == P["values"]["database-url"], "value")
    expect(any(r["identity"] == P["cert_client"] and r["path"].endswith("/token") and r["status"] == 200
               for r in requests_since_reset()), "token issued to the certificate client")


@check("unregistered_certificate_is_refused")
def _():
    credential = CertificateCredential(P["tenant"], P["cert_client"], certificate_path=P["other_cert_pem"],
                                       authority=AUTHORITY, disable_instance_discovery=True)
    e = raises(ClientAuthenticationError, lambda: client(credential).get_secret("database-url"))
    expect("AADSTS700027" in str(e), str(e))


@check("wrong_client_secret_is_refused")
def _():
    e = raises(ClientAuthenticationError, lambda: client(secret_credential("not-the-secret")).get_secret("database-url"))
    expect("AADSTS7000215" in str(e), str(e))


@check("managed_identity_system_assigned")
def _():
    value = client(ManagedIdentityCredential()).get_secret("database-url").value
    expect(value == P["values"]["database-url"], "value")
    expect(any(r["identity"] == "mi:system" and r["path"] == "/secrets/database-url" and r["status"] == 200
               for r in requests_since_reset()), "vault saw the system identity")


@check("managed_identity_user_assigned_by_client_id")
def _():
    value = client(ManagedIdentityCredential(client_id=P["mi_client"])).get_secret("database-url").value
    expect(value == P["values"]["database-url"], "value")
    expect(any(r["identity"] == "mi:" + P["mi_client"] and r["status"] == 200 for r in requests_since_reset()),
           "vault saw the user-assigned identity")


@check("list_pages_of_at_most_25_with_next_link")
def _():
    names = [p.name for p in client(secret_credential()).list_properties_of_secrets()]
    expect(len(names) == P["secret_count"], "listed %d of %d" % (len(names), P["secret_count"]))
    pages = [r for r in requests_since_reset() if r["path"] == "/secrets" and r["status"] == 200]
    expect(len(pages) == -(-P["secret_count"] // 25), "pages %d" % len(pages))


@check("list_items_carry_tags")
def _():
    listed = {p.name: p for p in client(secret_credential()).list_properties_of_secrets()}
    expect(listed["database-url"].tags == {"team": "platform"}, "tags %r" % listed["database-url"].tags)
    expect(listed["rotated"].tags is None, "an untagged secret lists no tags: %r" % listed["rotated"].tags)
    expect(listed["disabled"].enabled is False, "a disabled secret lists enabled=false")
    expect(not any(r["path"].startswith("/secrets/") for r in requests_since_reset()), "the tags came without a get")


@check("national_cloud_vault_challenge_and_authority")
def _():
    # A US Government vault: the challenge names https://vault.usgovcloudapi.net, which the SDK verifies against
    # the vault's host and turns into the scope; the token comes from that cloud's authority host.
    credential = ClientSecretCredential(P["tenant"], P["secret_client"], P["client_secret"],
                                        authority="https://login.microsoftonline.us:%d" % HTTPS,
                                        disable_instance_discovery=True)
    gov = SecretClient("https://%s.vault.usgovcloudapi.net:%d" % (P["vault"], HTTPS), credential)
    expect(gov.get_secret("database-url").value == P["values"]["database-url"], "value")
    seen = [(r["host"].split(":")[0], r["path"], r["status"]) for r in requests_since_reset()]
    expect(seen[0] == ("%s.vault.usgovcloudapi.net" % P["vault"], "/secrets/database-url", 401), "challenge %r" % seen)
    expect(any(h == "login.microsoftonline.us" and p.endswith("/token") and s == 200 for h, p, s in seen),
           "token from login.microsoftonline.us: %r" % seen)
    expect(seen[-1] == ("%s.vault.usgovcloudapi.net" % P["vault"], "/secrets/database-url", 200), "read %r" % seen)
    # the public cloud's authority does not issue tokens for a US Government vault
    public = SecretClient("https://%s.vault.usgovcloudapi.net:%d" % (P["vault"], HTTPS), secret_credential())
    e = raises(ClientAuthenticationError, lambda: public.get_secret("database-url"))
    expect("AADSTS500011" in str(e), str(e))


@check("azure_arc_managed_identity")
def _():
    # The Arc agent's flow, through MSAL's own Arc client: it reads the key from /var/opt/azcmagent/tokens/<name>.key,
    # which in this mount namespace is the test server's key folder (bind mount over a private tmpfs on /var/opt).
    os.environ["IDENTITY_ENDPOINT"] = P["arc_endpoint"]
    os.environ["IMDS_ENDPOINT"] = P["arc_endpoint"].split("/metadata/")[0]
    try:
        value = client(ManagedIdentityCredential()).get_secret("database-url").value
    finally:
        del os.environ["IDENTITY_ENDPOINT"], os.environ["IMDS_ENDPOINT"]
    expect(value == P["values"]["database-url"], "value")
    seen = [(r["identity"], r["path"], r["status"]) for r in requests_since_reset()]
    expect(("anonymous", "/metadata/identity/oauth2/token", 401) in seen, "the Basic realm challenge: %r" % seen)
    expect(("mi:arc", "/metadata/identity/oauth2/token", 200) in seen, "a token for the key: %r" % seen)
    expect(seen[-1] == ("mi:arc", "/secrets/database-url", 200), "read as the Arc identity: %r" % seen)


@check("versions_listed_and_got_by_id")
def _():
    c = client(secret_credential())
    versions = list(c.list_properties_of_secret_versions("rotated"))
    expect(len(versions) == 2, "versions %d" % len(versions))
    values = sorted(c.get_secret("rotated", v.version).value for v in versions)
    expect(values == sorted(P["values"]["rotated-versions"]), "values by version")
    expect(c.get_secret("rotated").value == P["values"]["rotated-versions"][-1], "latest is the newest")


@check("exp_and_nbf_attributes")
def _():
    properties = client(secret_credential()).get_secret("expiring").properties
    expect(int(properties.expires_on.timestamp()) == P["expiring_exp"], "exp %r" % properties.expires_on)
    expect(int(properties.not_before.timestamp()) == P["expiring_nbf"], "nbf %r" % properties.not_before)


@check("not_found_and_soft_deleted_are_404")
def _():
    c = client(secret_credential())
    raises(ResourceNotFoundError, lambda: c.get_secret("no-such-secret"))
    raises(ResourceNotFoundError, lambda: c.get_secret("soft-deleted"))


@check("disabled_is_403_forbidden")
def _():
    e = raises(HttpResponseError, lambda: client(secret_credential()).get_secret("disabled"))
    expect(e.status_code == 403 and e.error.code == "Forbidden", "%s %s" % (e.status_code, e.error))
    expect("disabled" in e.message, e.message)


@check("forbidden_by_rbac_for_other_names")
def _():
    credential = ManagedIdentityCredential(client_id=P["mi_client"])
    e = raises(HttpResponseError, lambda: client(credential).get_secret("not-for-this-identity"))
    expect(e.status_code == 403, str(e.status_code))
    expect("ForbiddenByRbac" in str(e.response.text()), e.response.text())


@check("throttled_429_retry_after_is_honoured")
def _():
    control("POST", "/_test/throttle", {"count": 1, "retry_after": 2})
    start = time.monotonic()
    value = client(secret_credential()).get_secret("database-url").value
    took = time.monotonic() - start
    expect(value == P["values"]["database-url"], "value")
    statuses = [r["status"] for r in requests_since_reset() if r["path"] == "/secrets/database-url"]
    expect(429 in statuses and statuses[-1] == 200, "statuses %r" % statuses)
    expect(took >= 2, "the SDK waited %.2f s, not the 2 s asked" % took)


@check("throttled_429_without_retries_is_an_error")
def _():
    control("POST", "/_test/throttle", {"count": 1, "retry_after": 3})
    e = raises(HttpResponseError, lambda: client(secret_credential(), retry_total=0).get_secret("database-url"))
    expect(e.status_code == 429, str(e.status_code))
    expect(e.response.headers.get("Retry-After") == "3", "Retry-After")


@check("short_lived_tokens_are_refreshed")
def _():
    control("POST", "/_test/token_lifetime", {"seconds": 2})
    try:
        c = client(secret_credential())
        c.get_secret("database-url")
        time.sleep(2.5)
        c.get_secret("database-url")
        tokens = [r for r in requests_since_reset() if r["path"].endswith("/token")]
        expect(len(tokens) == 2, "tokens %d" % len(tokens))
        expect(all(r["status"] != 401 for r in requests_since_reset() if r["identity"] != "anonymous"),
               "no request with an expired token")
    finally:
        control("POST", "/_test/token_lifetime", {"seconds": 3600})


@check("server_refuses_assertion_with_right_thumbprint_but_another_key")
def _():
    import hashlib, uuid, jwt, urllib.parse
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    registered = x509.load_pem_x509_certificate(open(P["cert_pem"], "rb").read())
    other_key = serialization.load_pem_private_key(open(P["other_cert_pem"], "rb").read(), None)
    thumbprint = jwt.utils.base64url_encode(registered.fingerprint(registered.signature_hash_algorithm.__class__()))
    token_endpoint = "%s/%s/oauth2/v2.0/token" % (AUTHORITY, P["tenant"])
    now = int(time.time())
    assertion = jwt.encode({"aud": token_endpoint, "iss": P["cert_client"], "sub": P["cert_client"], "jti": str(
        uuid.uuid4()), "nbf": now, "exp": now + 600}, other_key, algorithm="RS256",
        headers={"x5t": jwt.utils.base64url_encode(hashlib.sha1(registered.public_bytes(
            serialization.Encoding.DER)).digest()).decode()})
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": P["cert_client"],
                                   "scope": "https://vault.azure.net:%d/.default" % HTTPS,
                                   "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                                   "client_assertion": assertion}).encode()
    try:
        urllib.request.urlopen(urllib.request.Request(token_endpoint, data=form), context=TLS)
        raise AssertionError("a forged assertion got a token")
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        expect(e.code == 401 and "AADSTS700027" in body and "signature validation" in body, body)


@check("server_refuses_token_for_another_audience")
def _():
    token = secret_credential().get_token("https://management.azure.com/.default").token
    request = urllib.request.Request(VAULT_URL + "/secrets/database-url?api-version=7.6",
                                     headers={"Authorization": "Bearer " + token})
    try:
        urllib.request.urlopen(request, context=TLS)
        raise AssertionError("a token for another audience was accepted")
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        expect(e.code == 401 and "Invalid audience" in body, body)


for name, failure in RESULTS:
    print("ok %s" % name if failure is None else "FAIL %s: %s" % (name, failure))
sys.exit(1 if any(f for _, f in RESULTS) else 0)
