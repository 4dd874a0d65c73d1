"""Credentials in model strings: redaction wherever they are shown, `${VAR}` interpolation.

Gateways behind basic auth (`https://user:key@gateway/v1`) and Azure-style URLs
(`?api-key=…`, `&sig=…`) put secrets into the very strings that reports, cache identities and
error messages print. `redact` is the one function every such place goes through: it masks URL
userinfo and credential-named query parameters, and any secret value seen while parsing (with
its URL-encoded and basic-auth forms), so an SDK message that echoes a header is masked too.
"""

from __future__ import annotations

import base64
import logging
import math
import os
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

MASK = "***"
CREDENTIAL_PARAMS = frozenset({
    "key", "api-key", "api_key", "apikey", "token", "sig", "signature", "password", "passwd",
    "pwd", "secret", "access_token", "auth", "auth_token", "client_secret", "code",
    "x-api-key", "session", "sessionid", "private_key", "credential", "credentials"})
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>`]+", re.I)
_PARAM = re.compile(r"([?&;])([^=&;#\s]+)=([^&;#\s'\"<>]*)")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SECRETISH = re.compile(r"KEY|TOKEN|SECRET|PASS|PWD|SIG|AUTH|CRED", re.I)
#: A query parameter whose name ends like one of these carries a secret (X-Amz-Signature,
#: X-Goog-Signature, SharedAccessSignature, session_token, client-secret, db_pass...).
CREDENTIAL_SUFFIXES = ("signature", "sig", "token", "secret", "key", "password", "passwd",
                       "pass", "pwd", "credential", "credentials")
CREDENTIAL_NAMES = frozenset({"jwt", "bearer", "hmac", "sas"})
_ENTROPY_MIN_CHARS = 24

_secrets: set[str] = set()
_lock = threading.Lock()


def remember_secret(value: str) -> None:
    """Mask `value` (and the forms it travels in) in everything `redact` touches from now on."""
    if len(value) < 4:
        return  # too short to mask without mangling ordinary text
    forms = {value, quote(value, safe=""), unquote(value)}
    with _lock:
        _secrets.update(f for f in forms if len(f) >= 4)


def _remember_userinfo(user: str, password: str | None) -> None:
    if password:
        remember_secret(password)
        pair = f"{unquote(user)}:{unquote(password)}"
        remember_secret(base64.b64encode(pair.encode()).decode())
    elif user:
        remember_secret(user)  # a bare userinfo token (https://TOKEN@host) is the secret


def redact_url(url: str) -> str:
    """`url` with userinfo and credential query parameters masked; other URLs unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _PARAM.sub(_mask_param, url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, sep, password = userinfo.partition(":")
        _remember_userinfo(user, password if sep else None)
        netloc = f"{user}:{MASK}@{host}" if sep else f"{MASK}@{host}"
    query = _PARAM.sub(_mask_param, "?" + parts.query)[1:] if parts.query else ""
    fragment = _PARAM.sub(_mask_param, "?" + parts.fragment)[1:] if parts.fragment else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def looks_secret(value: str) -> bool:
    """A long, high-entropy token (an API key or signature under a name we do not know)."""
    if len(value) < _ENTROPY_MIN_CHARS or not re.fullmatch(r"[A-Za-z0-9+/=_.~%-]+", value):
        return False
    if not (re.search(r"[A-Za-z]", value) and re.search(r"\d", value)):
        return False
    counts = {c: value.count(c) for c in set(value)}
    entropy = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return entropy >= 3.5


def is_credential_name(name: str) -> bool:
    lowered = unquote(name).lower()
    return (lowered in CREDENTIAL_PARAMS or lowered in CREDENTIAL_NAMES
            or lowered.endswith(CREDENTIAL_SUFFIXES))


def _mask_param(m: re.Match[str]) -> str:
    value = m.group(3)
    if is_credential_name(m.group(2)) or looks_secret(unquote(value)):
        if value:
            remember_secret(value)
        return f"{m.group(1)}{m.group(2)}={MASK}"
    return m.group(0)


def redact(text: str) -> str:
    """Mask credentials in any text: URLs in it, and every secret remembered so far."""
    if not text:
        return text
    out = _URL.sub(lambda m: redact_url(m.group(0)), text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in out:
            out = out.replace(secret, MASK)
    return out


def redacted_repr_args(args: Iterable[tuple[str | None, Any]]
                       ) -> Iterator[tuple[str | None, Any]]:
    """A pydantic model's repr fields with every string redacted (model strings hold URLs)."""
    for name, value in args:
        yield name, redact(value) if isinstance(value, str) else value


def safe_text(text: str) -> str:
    """Text for a terminal or a report: credentials masked, then every character that could
    act on a terminal escaped (model output and dataset text are untrusted)."""
    from pytest_chunky.infra.userfiles import terminal_safe

    return terminal_safe(redact(text))


def interpolate(text: str, *, where: str) -> str:
    """Expand `${VAR}` from the environment; a missing variable is an error naming it.

    Values of variables whose names look secret (…KEY, …TOKEN, …PASSWORD) are remembered, so
    they are masked wherever they would be shown.
    """
    from pytest_chunky.infra.errors import ConfigError

    def expand(m: re.Match[str]) -> str:
        name = m.group(1)
        value = os.environ.get(name)
        if value is None:
            raise ConfigError(f"{where}: environment variable {name} is not set (used as "
                              f"${{{name}}}); export it or remove it from the value")
        if _SECRETISH.search(name):
            remember_secret(value)
        return value

    return _VAR.sub(expand, text) if "${" in text else text


_installed = False


def install_log_redaction() -> None:
    """Mask credentials in every log record (httpx logs request URLs, SDKs log options).

    A record factory rather than a handler filter: it covers records of every logger and
    every handler, pytest's log capture and `--log-file` included.
    """
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's business, not ours
            return record
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
