"""Runs Mangopay's official Python SDK against `threeds-bridge sandbox`.

Only the base URL differs from a real sandbox integration (`mangopay.api_sandbox_url`).
The flow follows Mangopay's how-to guide: token, user and wallet (looked up and created),
card registration with tokenization, a frictionless pay-in (SUCCEEDED), a challenge pay-in
(CREATED with SecureModeRedirectURL), GET of the pay-in, the stored answer of an
idempotent POST, and a hook. Exits non-zero on the first mismatch.

Usage: check.py BASE_URL CLIENT_ID API_KEY USER_ID WALLET_ID
(BASE_URL like http://127.0.0.1:8480/mangopay/v2.01/)
"""

import sys
import uuid

import requests

import mangopay

BASE, CLIENT_ID, API_KEY, USER_ID, WALLET_ID = sys.argv[1:6]

mangopay.client_id = CLIENT_ID
mangopay.apikey = API_KEY
mangopay.sandbox = True
mangopay.api_sandbox_url = BASE  # the only change from a real sandbox setup

from mangopay.api import APIRequest  # noqa: E402
from mangopay.resources import (  # noqa: E402
    Card,
    CardRegistration,
    DirectPayIn,
    IdempotencyResponse,
    NaturalUser,
    Notification,
    PayIn,
    Wallet,
)
from mangopay.utils import Address, Billing, BrowserInfo, Money  # noqa: E402

failures = []


def check(what, actual, expected):
    ok = actual == expected
    print(("ok   " if ok else "FAIL ") + f"{what}: {actual!r}" + ("" if ok else f" (expected {expected!r})"))
    if not ok:
        failures.append(what)


handler = APIRequest()
token = handler.auth_manager.get_token()
check("token type", (token or "").split(" ")[0].lower(), "bearer")

seeded = NaturalUser.get(USER_ID)
check("seeded user", seeded.first_name, "Alex")
check("seeded wallet currency", Wallet.get(WALLET_ID).currency, "EUR")

user = NaturalUser(first_name="Victor", last_name="Hugo", email="victor@example.com",
                   person_type="NATURAL", terms_and_conditions_accepted=True,
                   user_category="PAYER")
user.save()
check("created user id prefix", str(user.id)[:7], "user_m_")
wallet = Wallet(owners=[user], description="Wallet of Victor Hugo", currency="EUR")
wallet.save()
check("created wallet currency", wallet.currency, "EUR")


def register(number, via_sdk_helper):
    reg = CardRegistration(user=user, currency="EUR", card_type="CB_VISA_MASTERCARD")
    reg.save()
    check("card registration status", reg.status, "CREATED")
    fields = {"accessKeyRef": reg.access_key, "cardNumber": number,
              "cardExpirationDate": "1239", "cardCvx": "123"}
    if via_sdk_helper:
        # How the SDK's own live tests tokenize (the fields go in the query string).
        data = APIRequest().custom_request("POST", reg.card_registration_url, None, None, False,
                                           False, data_XXX=reg.preregistration_data, **fields)
    else:
        # How the how-to guide and the SDK's mocked tests do it (a form body).
        data = requests.post(reg.card_registration_url,
                             data=dict(fields, data=reg.preregistration_data)).content
    data = data.decode() if isinstance(data, bytes) else data
    check("tokenization answer", data[:5], "data=")
    reg.registration_data = data
    reg.save()
    check("card registration validated", reg.status, "VALIDATED")
    card = Card.get(reg.card_id if hasattr(reg, "card_id") else reg.card.get_pk())
    check("card alias", card.alias[-4:], number[-4:])
    return card


def browser():
    return BrowserInfo(accept_header="text/html", java_enabled=False, javascript_enabled=True,
                       language="en-US", color_depth=24, screen_height=900, screen_width=1440,
                       timezone_offset=-60, user_agent="Mozilla/5.0 (X11; Linux x86_64)")


def payin(card, amount, key):
    p = DirectPayIn(author=user, credited_wallet=wallet,
                    debited_funds=Money(amount=amount, currency="EUR"),
                    fees=Money(amount=0, currency="EUR"), card=card,
                    secure_mode_return_url="https://merchant.example/return",
                    secure_mode="DEFAULT", ip_address="203.0.113.7", browser_info=browser(),
                    billing=Billing(first_name="Victor", last_name="Hugo",
                                    address=Address(address_line_1="6 rue de la Cité",
                                                    city="Paris", postal_code="75001",
                                                    country="FR")),
                    tag="python sdk check")
    p.save(idempotency_key=key)
    return p


frictionless = register("4970107111111119", via_sdk_helper=False)
key = str(uuid.uuid4())
ok = payin(frictionless, 1260, key)
check("frictionless status", ok.status, "SUCCEEDED")
check("frictionless result code", ok.result_code, "000000")
check("frictionless SecureModeNeeded", ok.secure_mode_needed, False)
check("frictionless Applied3DSVersion", ok.applied_3ds_version, "V2_1")

stored = IdempotencyResponse.get(key)
check("stored answer status", stored.status, "200")
check("stored answer resource", stored.resource.get("Id"), ok.id)

challenge = register("4970105181818183", via_sdk_helper=True)
created = payin(challenge, 2500, str(uuid.uuid4()))
check("challenge status", created.status, "CREATED")
check("challenge SecureModeNeeded", created.secure_mode_needed, True)
base_host = BASE.split("/mangopay/")[0]
check("challenge redirect on the sandbox",
      (created.secure_mode_redirect_url or "").startswith(base_host + "/mangopay/secure-mode/"), True)
check("return URL echo", created.secure_mode_return_url,
      f"https://merchant.example/return?transactionId={created.id}")
fetched = PayIn.get(created.id)
check("GET pay-in status", fetched.status, "CREATED")

hook = Notification(event_type="PAYIN_NORMAL_SUCCEEDED", url="https://merchant.example/hooks")
hook.save()
check("hook status", hook.status, "ENABLED")
check("hooks listed", [h.event_type for h in Notification.all()], ["PAYIN_NORMAL_SUCCEEDED"])

if failures:
    print(f"{len(failures)} check(s) failed: {', '.join(failures)}")
    sys.exit(1)
print("all checks passed")
