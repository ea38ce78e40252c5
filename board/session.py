"""Signing in to the board: an API token kept in a session cookie, and each form's CSRF token.

The session cookie holds the API token the user signed in with (HttpOnly, so no script
reads it; SameSite=Strict, so no other site's page sends it; Secure over HTTPS). Every
request checks the token again, so a revoked token signs its sessions out at once, and
any API process can serve any request: there is no session state on the server.

CSRF: a signed double-submit token. The first page sets a random nonce cookie; every
form carries HMAC-SHA256(nonce, session token) and a POST is accepted only when its field
matches that of its own cookies. A page on another site can neither read the nonce nor
compute the HMAC without the token, and a nonce planted by a sibling domain is useless
without the session token it must be signed with. (starlette-csrf, the maintained
option, reads its token from a request header only, which plain HTML forms cannot send.)
The same token may come in the ``X-CSRF-Token`` header instead: the roadmap table sends it
once for its thousands of status controls (``hx-headers``), so that no form repeats it.
A page on another site can send that header no more than it can read the token (CORS
allows no such header).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from backend.bootstrap import Services
from backend.tokens import Principal
from schema.auth import AuthenticationFailed, authenticate

SESSION_COOKIE = "roadlog_session"
CSRF_COOKIE = "roadlog_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
NEW_NONCE_KEY = "roadlog.csrf_nonce"
SESSION_SECONDS = 12 * 60 * 60
"""A meeting's day: sign in again after that."""


def services_of(request: Request) -> Services:
    services: Services = request.state.services
    return services


async def principal_of(request: Request) -> Principal | None:
    """Who is signed in on this request: the principal of the session's token, if live."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    try:
        return await authenticate(services_of(request), secret, None)
    except AuthenticationFailed:
        return None


async def sign_in(request: Request, secret: str) -> Principal:
    """The principal of ``secret``, else AuthenticationFailed with the API's words."""
    return await authenticate(services_of(request), secret.strip() or None, None)


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def keep_session(response: Response, request: Request, secret: str) -> None:
    _cookie(response, request, SESSION_COOKIE, secret.strip(), SESSION_SECONDS)


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def csrf_nonce(request: Request) -> str:
    """This browser's CSRF nonce; a new one (set by ``keep_nonce``) if it has none yet."""
    nonce = request.cookies.get(CSRF_COOKIE)
    if nonce:
        return nonce
    # Kept in the request's scope: the page's forms and its Set-Cookie need the same one.
    new: str = request.scope.setdefault(NEW_NONCE_KEY, secrets.token_urlsafe(32))
    return new


def keep_nonce(response: Response, request: Request) -> None:
    """Set the nonce cookie if this request created one."""
    if request.cookies.get(CSRF_COOKIE) is None:
        _cookie(response, request, CSRF_COOKIE, csrf_nonce(request), SESSION_SECONDS)


def csrf_token(request: Request) -> str:
    """The token every form of this page carries."""
    session = request.cookies.get(SESSION_COOKIE, "")
    key = csrf_nonce(request).encode()
    return hmac.new(key, session.encode(), hashlib.sha256).hexdigest()


def csrf_holds(request: Request, sent: str | None) -> bool:
    """Whether a POST carries the token of its own cookies (so it came from a board page):
    in its form's field (``sent``), else in the CSRF header."""
    sent = sent or request.headers.get(CSRF_HEADER)
    if request.cookies.get(CSRF_COOKIE) is None or not sent:
        return False
    return hmac.compare_digest(sent, csrf_token(request))
