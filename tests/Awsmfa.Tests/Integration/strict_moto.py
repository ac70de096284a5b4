"""moto_server, strict where AWS is strict and moto is not.

AWS refuses a request signed with temporary credentials (keys STS handed out with a session
token) unless the token travels with it, signed: X-Amz-Security-Token in the headers and in
SignedHeaders, or in the query of a presigned URL. moto checks no signature at all, so a client
that forgot the token passed every test and failed against AWS. This wrapper remembers every
key and token STS answers with, and refuses such a request as AWS does (403
InvalidClientTokenId). EKS clusters get a real certificate authority, as AWS gives them.
IAM's EnableMFADevice takes only two consecutive codes of the device's seed (moto takes any),
and refuses a user named "refuses-enable" outright (a policy without iam:EnableMFADevice).
DeleteVirtualMFADevice of a device named "slow-delete" takes four seconds, as IAM can, and
CreateVirtualMFADevice of one named "slow-create" answers three seconds after making it.
Everything else is moto_server's own application, recording included.

Usage: python3 strict_moto.py [-H 127.0.0.1] [-p PORT]; prints 'PORT N' once it listens
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import io
import json
import os
import re
import struct
import threading
import time
import urllib.parse

from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

_CREDENTIALS = re.compile(rb"<Credentials>(.*?)</Credentials>", re.S)
_KEY = re.compile(rb"<AccessKeyId>([^<]+)</AccessKeyId>")
_TOKEN = re.compile(rb"<SessionToken>([^<]+)</SessionToken>")
_DEVICE = re.compile(rb"<SerialNumber>([^<]+)</SerialNumber>\s*<Base32StringSeed>([^<]+)</Base32StringSeed>")
_REFUSAL = (
    b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
    b"<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message>"
    b"</Error><RequestId>strict-moto</RequestId></ErrorResponse>"
)


def _iam_error(code, message):
    return (
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>strict-moto</RequestId></ErrorResponse>"
    ).encode()


def _totp(seed, step):
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def _consecutive(seed, first, second):
    now = int(time.time()) // 30
    return any(_totp(seed, step) == first and _totp(seed, step + 1) == second for step in range(now - 3, now + 3))


class StrictTokens:
    """WSGI middleware: learns temporary keys from STS answers, refuses them without their token."""

    def __init__(self, app):
        self._app = app
        self._issued = {}
        self._seeds = {}
        self._lock = threading.Lock()

    def _refused(self, environ):
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        key = re.search(r"Credential=([^/,\s]+)/", authorization)
        if key is None:
            return False
        with self._lock:
            tokens = self._issued.get(key.group(1))
        if not tokens:
            return False
        signed = re.search(r"SignedHeaders=([^,\s]+)", authorization)
        sent = environ.get("HTTP_X_AMZ_SECURITY_TOKEN")
        return sent not in tokens or signed is None or "x-amz-security-token" not in signed.group(1).split(";")

    def _mfa_refusal(self, environ):
        """EnableMFADevice as IAM checks it: two consecutive codes of the device's seed."""
        if environ.get("REQUEST_METHOD") != "POST":
            return None
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if form.get("Action", [""])[0] == "DeleteVirtualMFADevice" and form.get("SerialNumber", [""])[0].endswith("/slow-delete"):
            time.sleep(4)
        if form.get("Action", [""])[0] != "EnableMFADevice":
            return None
        if form.get("UserName", [""])[0] == "refuses-enable":
            return _iam_error("AccessDenied", "User is not authorized to perform: iam:EnableMFADevice")
        with self._lock:
            seed = self._seeds.get(form.get("SerialNumber", [""])[0])
        codes = form.get("AuthenticationCode1", [""])[0], form.get("AuthenticationCode2", [""])[0]
        if seed is not None and not _consecutive(seed, *codes):
            return _iam_error("InvalidAuthenticationCode", "Authentication code for device is not valid.")
        return None

    def __call__(self, environ, start_response):
        if self._refused(environ):
            start_response("403 Forbidden", [("Content-Type", "text/xml"), ("Content-Length", str(len(_REFUSAL)))])
            return [_REFUSAL]
        refusal = self._mfa_refusal(environ)
        if refusal is not None:
            start_response("403 Forbidden", [("Content-Type", "text/xml"), ("Content-Length", str(len(refusal)))])
            return [refusal]
        held = {}

        def hold(status, headers, exc_info=None):
            held["status"], held["headers"] = status, headers
            return lambda data: None

        # _mfa_refusal left a POST's body in a BytesIO.
        sent = environ["wsgi.input"].getvalue() if isinstance(environ.get("wsgi.input"), io.BytesIO) else b""
        slow_create = b"Action=CreateVirtualMFADevice" in sent and b"VirtualMFADeviceName=slow-create" in sent
        answer = self._app(environ, hold)
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        for serial, seed in _DEVICE.findall(body):
            with self._lock:
                self._seeds[serial.decode()] = base64.b64decode(seed).decode()
        for block in _CREDENTIALS.findall(body):
            key, token = _KEY.search(block), _TOKEN.search(block)
            if key and token:
                with self._lock:
                    self._issued.setdefault(key.group(1).decode(), set()).add(token.group(1).decode())
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO", "").startswith("/clusters/"):
            body = _with_real_certificate_authority(body)
        if slow_create and b"<CreateVirtualMFADeviceResult>" in body:
            time.sleep(3)
        headers = [(name, value) for name, value in held["headers"] if name.lower() != "content-length"]
        start_response(held["status"], headers + [("Content-Length", str(len(body)))])
        return [body]


def _with_real_certificate_authority(body):
    """moto's certificate authority is 1,400 random characters; AWS's is base64 of a PEM certificate."""
    try:
        document = json.loads(body)
        authority = document["cluster"]["certificateAuthority"]
    except (ValueError, KeyError, TypeError):
        return body
    authority["data"] = base64.b64encode(_certificate_pem()).decode()
    return json.dumps(document).encode()


_PEM = []


def _certificate_pem():
    if not _PEM:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes")])
        now = datetime.datetime.now(datetime.timezone.utc)
        certificate = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        _PEM.append(certificate.public_bytes(serialization.Encoding.PEM))
    return _PEM[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=0, help="0 (the default): a free port, printed as 'PORT N'")
    args = parser.parse_args()
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True
    # Bound here, then announced: a port chosen by the caller could be taken by another test
    # between its choice and moto's start.
    server = make_server(args.host, args.port, StrictTokens(app), threaded=True)
    os.environ.setdefault("MOTO_PORT", str(server.port))
    print(f"PORT {server.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
