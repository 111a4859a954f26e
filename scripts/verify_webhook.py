#!/usr/bin/env python3
"""Verifies one Standard Webhooks delivery with the reference library (PyPI `standardwebhooks`).

The body is read from standard input, byte for byte. The secret (`whsec_...`) comes from
--secret or, better (argv is visible to other users), the WEBHOOK_SECRET environment variable.

    WEBHOOK_SECRET=whsec_... python3 scripts/verify_webhook.py \
        --id msg_... --timestamp 1700000000 --signature 'v1,... v1,...' < body.json

Exit status: 0 the signature verifies, 1 it does not (the library's reason on stderr),
2 usage error or the library is not installed.

The server's test suite runs this to check that what Anumodan signs is what the reference
implementation accepts (crates/server/src/outbound/signature.rs).
"""

import argparse
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secret", help="whsec_... (default: $WEBHOOK_SECRET)")
    parser.add_argument("--id", required=True, help="the webhook-id header")
    parser.add_argument("--timestamp", required=True, help="the webhook-timestamp header")
    parser.add_argument("--signature", required=True, help="the webhook-signature header")
    args = parser.parse_args()

    secret = args.secret or os.environ.get("WEBHOOK_SECRET")
    if not secret:
        print("verify_webhook: no secret (--secret or WEBHOOK_SECRET)", file=sys.stderr)
        return 2

    try:
        from standardwebhooks.webhooks import Webhook, WebhookVerificationError
    except ImportError:
        print(
            "verify_webhook: the reference library is missing: "
            "python3 -m pip install standardwebhooks",
            file=sys.stderr,
        )
        return 2

    body = sys.stdin.buffer.read()
    headers = {
        "webhook-id": args.id,
        "webhook-timestamp": args.timestamp,
        "webhook-signature": args.signature,
    }
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError as e:
        print(f"verify_webhook: refused: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
