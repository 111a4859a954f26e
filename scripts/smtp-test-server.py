#!/usr/bin/env python3
"""An SMTP server for the end-to-end tests (crates/cli/tests/it/harness/smtp.rs), on aiosmtpd.

Listens on a free loopback port and writes that port to --port-file once it accepts
connections. Each message it takes is kept as it arrived, byte for byte, in the maildir's
new/ folder as NNNNNN.eml, with NNNNNN.json beside it: the envelope (mail_from, rcpt_tos),
whether the session was encrypted (tls, tls_version) and the user it authenticated as (auth).
Both files appear whole (written under tmp/, then renamed), the .json last.

  --tls none       plain SMTP, no STARTTLS offered
  --tls starttls   STARTTLS offered (--cert, --key)
  --tls implicit   TLS from the first byte (--cert, --key)
  --auth USER:PASSWORD   AUTH PLAIN/LOGIN required before MAIL (offered only over TLS)

Recipients whose local part starts with `refuse-5` are refused with 550, `refuse-4` with 451;
the reply text repeats the address, as real servers' replies often do.

  --hold N   the N-th message (counting from 1) is kept like the others, with "held": true in
             its .json, but its DATA is never answered: the client is stuck mid-transaction
             (for a test that kills it there). Every other message is answered as usual.
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Keep:
    """Keeps every message it is handed, as described above."""

    def __init__(self, maildir, hold=None):
        self.maildir = maildir
        self.hold = hold
        self.count = 0
        for sub in ("tmp", "new"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("refuse-5"):
            return f"550 5.1.1 <{address}>: no such mailbox"
        if local.startswith("refuse-4"):
            return f"451 4.3.0 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _put(self, name, data):
        tmp = os.path.join(self.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.maildir, "new", name))

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = f"{self.count:06d}"
        held = self.count == self.hold
        tls = server.transport.get_extra_info("ssl_object")
        auth = session.auth_data.login.decode() if session.authenticated else None
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": tls is not None,
            "tls_version": tls.version() if tls is not None else None,
            "auth": auth,
            "held": held,
        }
        self._put(stem + ".eml", envelope.original_content)
        self._put(stem + ".json", json.dumps(meta).encode())
        if held:
            # Kept, never answered: wait until the session ends (the client gave up or died).
            await asyncio.get_running_loop().create_future()
        return "250 2.0.0 OK: queued"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--maildir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--auth", help="USER:PASSWORD that AUTH must be given")
    p.add_argument("--hold", type=int, help="never answer the DATA of the N-th message")
    args = p.parse_args()

    context = None
    if args.tls != "none":
        if not (args.cert and args.key):
            p.error("--tls starttls and --tls implicit need --cert and --key")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    authenticator = None
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, data):
            ok = (
                isinstance(data, LoginPassword)
                and data.login == user.encode()
                and data.password == password.encode()
            )
            return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

    handler = Keep(args.maildir, args.hold)

    def protocol():
        kwargs = {"hostname": "smtp.test", "timeout": 30}
        if args.tls == "starttls":
            kwargs["tls_context"] = context
        if authenticator is not None:
            kwargs["authenticator"] = authenticator
            kwargs["auth_required"] = True
        return SMTP(handler, **kwargs)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(
            protocol,
            "127.0.0.1",
            0,
            ssl=context if args.tls == "implicit" else None,
        )
    )
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, args.port_file)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    loop.run_forever()
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
