"""Checkout.com's official Python SDK (checkout-sdk on PyPI) against `threeds-bridge sandbox`.

Only the environment's URLs change: a custom `Environment` whose `base_uri` is the sandbox's
`/checkout/` and whose `authorization_uri` is its `/checkout/connect/token`. Everything else is
the SDK's own code path (OAuth client credentials, `session_secret` auth, JSON serialization,
error parsing).

SDK 4.x requires a merchant subdomain, which it prepends to the host; a loopback IP cannot take
one, so the builder opts out with `use_legacy_domain()` (the SDK's documented fallback for
custom hosts). Its DeprecationWarning is silenced here.

Usage: python flow.py http://127.0.0.1:PORT/checkout
Exits non-zero on the first mismatch, naming it.
"""

import json
import re
import sys
import threading
import warnings
from http.server import BaseHTTPRequestHandler, HTTPServer

import requests
from checkout_sdk.checkout_sdk import CheckoutSdk
from checkout_sdk.common.enums import Currency
from checkout_sdk.environment import Environment
from checkout_sdk.exception import CheckoutApiException
from checkout_sdk.oauth_scopes import OAuthScopes
from checkout_sdk.sessions.sessions import (
    BrowserSession,
    NonHostedCompletionInfo,
    SessionCardSource,
    SessionRequest,
    ThreeDsMethodCompletion,
    ThreeDsMethodCompletionRequest,
)

# Printed by `threeds-bridge sandbox` (providers/checkout/src/sandbox/mod.rs).
ACCESS_KEY_ID = "ack_threedsbridgesandbox000000"
ACCESS_KEY_SECRET = "threeds-bridge-sandbox-access-key-secret"
PROCESSING_CHANNEL_ID = "pc_threedsbridgesandbox000000"
CHALLENGE_PASSWORD = "Checkout1!"

FRICTIONLESS_CARD = "4485040371536584"  # Checkout.com test cards: authentication successful (Y)
CHALLENGE_CARD = "4242424242424242"  # Checkout.com test cards: challenge, then successful

failures = []


def check(what, actual, expected):
    if actual != expected:
        failures.append(f"{what}: expected {expected!r}, got {actual!r}")
        print(f"FAIL {what}: expected {expected!r}, got {actual!r}")
    else:
        print(f"ok   {what} = {actual!r}")


class Callbacks(BaseHTTPRequestHandler):
    """The merchant's callback_url: records what `complete` posts."""

    received = []

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        Callbacks.received.append(json.loads(self.rfile.read(length) or b"null"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def sdk(base):
    environment = Environment.sandbox()
    environment.base_uri = base.rstrip("/") + "/"
    environment.authorization_uri = base.rstrip("/") + "/connect/token"
    builder = (
        CheckoutSdk.builder()
        .oauth()
        .client_credentials(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
        .environment(environment)
        .scopes([OAuthScopes.SESSIONS_BROWSER, OAuthScopes.SESSIONS_APP])
    )
    if hasattr(builder, "use_legacy_domain"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            builder = builder.use_legacy_domain()
    return builder.build()


def browser(completion):
    b = BrowserSession()
    b.accept_header = "Accept:  *.*, q=0.1"
    b.java_enabled = True
    b.javascript_enabled = True
    b.language = "FR-fr"
    b.color_depth = "16"
    b.screen_width = "1920"
    b.screen_height = "1080"
    b.timezone = "60"
    b.user_agent = "Mozilla/5.0 (X11; Linux x86_64)"
    b.three_ds_method_completion = completion
    b.ip_address = "1.12.123.255"
    return b


def session_request(card, callback_url, channel=None):
    source = SessionCardSource()
    source.number = card
    source.expiry_month = 6
    source.expiry_year = 2030
    source.name = "John Doe"
    completion = NonHostedCompletionInfo()
    completion.callback_url = callback_url
    r = SessionRequest()
    r.source = source
    r.amount = 6540
    r.currency = Currency.USD
    r.processing_channel_id = PROCESSING_CHANNEL_ID
    r.reference = "ORD-5023-4E89"
    r.completion = completion
    if channel is not None:
        r.channel_data = channel
    return r


def status_code(response):
    return response.http_metadata.status_code


def drive_challenge(acs_url, creq):
    """Posts the CReq to the ACS page and submits the password form, as a browser would."""
    page = requests.post(acs_url, data={"creq": creq}, timeout=10)
    check("challenge page HTTP status", page.status_code, 200)
    action = re.search(r'<form id="challenge" method="post" action="([^"]+)"', page.text)
    if action is None:
        failures.append("challenge page has no form")
        return
    done = requests.post(
        action.group(1).replace("&amp;", "&"),
        data={"password": CHALLENGE_PASSWORD, "action": "submit"},
        timeout=10,
    )
    check("challenge submission HTTP status", done.status_code, 200)


def main(base):
    server = HTTPServer(("127.0.0.1", 0), Callbacks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    callback_url = f"http://127.0.0.1:{server.server_port}/callback"
    api = sdk(base)

    # 1. Frictionless: browser data with the 3DS Method done -> approved in one call (201).
    r = api.sessions.request_session(
        session_request(FRICTIONLESS_CARD, callback_url, browser(ThreeDsMethodCompletion.Y))
    )
    check("frictionless: HTTP status", status_code(r), 201)
    check("frictionless: status", r.status, "approved")
    check("frictionless: response_code", r.response_code, "Y")
    check("frictionless: approved", r.approved, True)
    check("frictionless: eci", r.eci, "05")
    check("frictionless: next_actions", r.next_actions, ["complete"])
    session_id, secret = r.id, r.session_secret
    check("frictionless: session_secret shape", (secret[:4], len(secret)), ("sek_", 48))
    # The session secret sees no eci / cryptogram (Checkout.com API reference visibility rule).
    client_view = api.sessions.get_session_details(session_id, secret)
    check("session_secret GET: status", client_view.status, "approved")
    check("session_secret GET: eci hidden", hasattr(client_view, "eci"), False)
    done = api.sessions.complete_session(session_id)
    check("complete: HTTP status", status_code(done), 204)
    check("complete: callback session_id", [c.get("session_id") for c in Callbacks.received], [session_id])
    check("after complete: completed", api.sessions.get_session_details(session_id).completed, True)

    # 2. Challenge card -> challenged (201), then the ACS page with the password -> approved.
    r = api.sessions.request_session(
        session_request(CHALLENGE_CARD, callback_url, browser(ThreeDsMethodCompletion.Y))
    )
    check("challenge: HTTP status", status_code(r), 201)
    check("challenge: status", r.status, "challenged")
    check("challenge: response_code", r.response_code, "C")
    check("challenge: next_actions", r.next_actions, ["challenge_cardholder"])
    creq = getattr(r, "3ds").challenge_request
    check("challenge: CReq without padding", "=" in creq, False)
    drive_challenge(r.acs.url, creq)
    after = api.sessions.get_session_details(r.id)
    check("after challenge: status", after.status, "approved")
    check("after challenge: status_reason", after.status_reason, "rreq_status")

    # 3. Pending session driven with the session secret: issuer fingerprint, then channel data.
    r = api.sessions.request_session(session_request(FRICTIONLESS_CARD, callback_url))
    check("pending: HTTP status", status_code(r), 202)
    check("pending: next_actions", r.next_actions, ["collect_channel_data", "issuer_fingerprint"])
    fingerprint = ThreeDsMethodCompletionRequest()
    fingerprint.three_ds_method_completion = ThreeDsMethodCompletion.Y
    f = api.sessions.update_3ds_method_completion(r.id, fingerprint, r.session_secret)
    check("issuer fingerprint: next_actions", f.next_actions, ["collect_channel_data"])
    c = api.sessions.update_session(r.id, browser(ThreeDsMethodCompletion.Y), r.session_secret)
    check("collect data: status", c.status, "approved")

    # 4. Errors parse as the SDK expects them (complete_sessions_integration_test.py).
    r = api.sessions.request_session(session_request(FRICTIONLESS_CARD, callback_url))
    try:
        api.sessions.complete_session(r.id)
        failures.append("complete on a pending session did not fail")
    except CheckoutApiException as err:
        check("complete pending: HTTP status", err.http_metadata.status_code, 403)
        check("complete pending: error_type", err.error_type, "operation_not_allowed")
        check("complete pending: error_codes", err.error_details, ["update_not_allowed_due_to_state"])
    bad = session_request(FRICTIONLESS_CARD, callback_url)
    del bad.processing_channel_id
    try:
        api.sessions.request_session(bad)
        failures.append("a session without processing_channel_id was accepted")
    except CheckoutApiException as err:
        check("validation: HTTP status", err.http_metadata.status_code, 422)
        check("validation: error_type", err.error_type, "unprocessable_entity")
        check("validation: error_codes", err.error_details, ["processing_channel_id_required"])

    server.shutdown()
    if failures:
        print(f"\n{len(failures)} mismatch(es)")
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: flow.py http://127.0.0.1:PORT/checkout", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
