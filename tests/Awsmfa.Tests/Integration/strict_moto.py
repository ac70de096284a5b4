"""moto_server, strict where AWS is strict and moto is not.

AWS refuses a request signed with temporary credentials (keys STS handed out with a session
token) unless the token travels with it, signed: X-Amz-Security-Token in the headers and in
SignedHeaders, or in the query of a presigned URL. moto checks no signature at all, so a client
that forgot the token passed every test and failed against AWS. This wrapper remembers every
key and token STS answers with, and refuses such a request as AWS does (403
InvalidClientTokenId). EKS clusters get a real certificate authority, as AWS gives them.
Everything else is moto_server's own application, recording included.

Usage: python3 strict_moto.py [-H 127.0.0.1] [-p PORT]; prints 'PORT N' once it listens
"""

import argparse
import base64
import datetime
import json
import os
import re
import threading

from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

_CREDENTIALS = re.compile(rb"<Credentials>(.*?)</Credentials>", re.S)
_KEY = re.compile(rb"<AccessKeyId>([^<]+)</AccessKeyId>")
_TOKEN = re.compile(rb"<SessionToken>([^<]+)</SessionToken>")
_REFUSAL = (
    b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
    b"<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message>"
    b"</Error><RequestId>strict-moto</RequestId></ErrorResponse>"
)


class StrictTokens:
    """WSGI middleware: learns temporary keys from STS answers, refuses them without their token."""

    def __init__(self, app):
        self._app = app
        self._issued = {}
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

    def __call__(self, environ, start_response):
        if self._refused(environ):
            start_response("403 Forbidden", [("Content-Type", "text/xml"), ("Content-Length", str(len(_REFUSAL)))])
            return [_REFUSAL]
        held = {}

        def hold(status, headers, exc_info=None):
            held["status"], held["headers"] = status, headers
            return lambda data: None

        answer = self._app(environ, hold)
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        for block in _CREDENTIALS.findall(body):
            key, token = _KEY.search(block), _TOKEN.search(block)
            if key and token:
                with self._lock:
                    self._issued.setdefault(key.group(1).decode(), set()).add(token.group(1).decode())
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO", "").startswith("/clusters/"):
            body = _with_real_certificate_authority(body)
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
