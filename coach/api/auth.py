"""Sign-in for the web app: the signed session cookie, the sign-in page, and the gate.

Identity comes from the server-side signed cookie only (``COACH_SECRET_KEY``), never from a
widget value or an id in the page. :func:`identify` reads it for the Gradio pages (as their
``auth_dependency``), the voice WebSocket and the JSON API alike. :class:`AuthGate` stands in
front of everything: an anonymous request gets the sign-in page (a browser navigation) or a
401 (anything else), never data.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from coach.api.guard import SignInThrottle, minutes
from coach.errors import CoachError
from coach.security import read_token, sign_token
from coach.services import accounts, profile
from coach.services.runtime import Runtime

COOKIE = "coach_session"
MAX_AGE_S = 12 * 3600
"""A sign-in lasts a working day."""
LANGUAGES = ("en", "zh")
PUBLIC_PREFIXES = ("/login", "/logout", "/static/", "/api/health", "/favicon.ico")
"""Paths an anonymous visitor may reach: the sign-in page and what it needs."""
API_TOKEN_PREFIX = "/api/v1/"
"""Where an ``Authorization: Bearer`` API token stands in for the session cookie."""
_CACHE_S = 5.0

_TEXT = {
    "en": {
        "title": "Sign in · coach",
        "heading": "Sign in",
        "tagline": "AI sales-practice coach: practise calls, get scored on the SOP, learn from top performers.",
        "username": "Username",
        "password": "Password",
        "submit": "Sign in",
        "wrong": "Wrong username or password.",
        "disabled": "This account is disabled; ask an admin.",
        "demo_refused": "Demo accounts only work in dev mode.",
        "unavailable": "The coach cannot check accounts right now: {error}",
        "demo": "Dev mode: demo accounts",
        "user": "user",
        "role": "role",
        "pw": "password",
        "signed_out": "You are signed out.",
        "too_many": "Too many failed sign-ins. Wait {minutes} min and try again, or ask an admin to reset the password.",
        "other": "中文",
    },
    "zh": {
        "title": "登录 · coach",
        "heading": "登录",
        "tagline": "AI 销售陪练：练习通话，按 SOP 评分，向顶尖销售学习。",
        "username": "用户名",
        "password": "密码",
        "submit": "登录",
        "wrong": "用户名或密码错误。",
        "disabled": "该账户已停用，请联系管理员。",
        "demo_refused": "演示账户只能在开发模式下使用。",
        "unavailable": "暂时无法验证账户：{error}",
        "demo": "开发模式：演示账户",
        "user": "用户",
        "role": "角色",
        "pw": "密码",
        "signed_out": "您已退出登录。",
        "too_many": "登录失败次数过多。请等待 {minutes} 分钟后再试，或请管理员重置密码。",
        "other": "English",
    },
}


def browser_language(accept_language: str | None) -> str:
    """``zh`` when the browser prefers Chinese over English, else ``en``."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith("zh"):
            return "zh"
        if code.startswith("en"):
            return "en"
    return "en"


class SessionCookies:
    """Makes and reads the signed session cookie, and knows who is signed in.

    The cookie carries the user's name and session version (``v``); a password reset moves
    the version on, so every cookie signed before it is refused, like a disabled user's.
    A cookie without ``v`` (signed before versions existed) reads as version 0.
    """

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.secret = runtime.settings.secret_key.get_secret_value()
        self._seen: dict[str, tuple[float, int | None]] = {}
        self._changes = accounts.sessions_changed()

    def token(self, username: str, version: int | None = None) -> str:
        """A cookie value for ``username`` at ``version`` (default: the account's current one)."""
        if version is None:
            version = accounts.session_version(self.runtime, username=username) or 0
        return sign_token({"u": username, "v": version}, self.secret)

    def username(self, conn: HTTPConnection) -> str | None:
        """The signed-in user's name, or None.

        None: no cookie, forged, expired, user disabled, or signed before a password reset.
        """
        body = read_token(conn.cookies.get(COOKIE), self.secret, max_age_s=MAX_AGE_S)
        name = body.get("u") if body else None
        if not isinstance(name, str) or not name or body is None:
            return None
        signed = body.get("v", 0)
        current = self._version(name)
        return name if current is not None and signed == current else None

    def _version(self, username: str) -> int | None:
        # Checked against the database on every request, from a cache of a few seconds so the
        # many requests a page makes do not each query; a reset or (de)activation committed in
        # this process clears the cache at once (one made by the CLI counts within seconds).
        now = time.monotonic()
        changes = accounts.sessions_changed()
        if changes != self._changes:
            self._seen.clear()
            self._changes = changes
        seen = self._seen.get(username)
        if seen is not None and now - seen[0] < _CACHE_S:
            return seen[1]
        try:
            version = accounts.session_version(self.runtime, username=username)
        except CoachError:
            version = None
        self._seen[username] = (now, version)
        return version

    def set(self, response: Response, username: str) -> None:
        """Sign ``username`` in on ``response``."""
        response.set_cookie(
            COOKIE,
            self.token(username),
            max_age=MAX_AGE_S,
            httponly=True,
            samesite="lax",
            secure=not self.runtime.settings.is_dev,
            path="/",
        )

    def clear(self, response: Response) -> None:
        """Sign out on ``response``."""
        response.delete_cookie(COOKIE, path="/")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: ``next`` must never send the user to another site."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def render_sign_in(
    *,
    language: str,
    error: str | None = None,
    notice: str | None = None,
    next_path: str = "/",
    demo_users: list[tuple[str, str, str]] | None = None,
) -> str:
    """The sign-in page as HTML, in ``language``; dev mode lists the demo accounts."""
    t = _TEXT[language if language in _TEXT else "en"]
    other = "zh" if language == "en" else "en"
    message = ""
    if error:
        message = f'<p class="msg error" role="alert">{escape(error)}</p>'
    elif notice:
        message = f'<p class="msg" role="status">{escape(notice)}</p>'
    demo = ""
    if demo_users:
        rows = "".join(
            f"<tr><td><code>{escape(u)}</code></td><td>{escape(r)}</td><td><code>{escape(p)}</code></td></tr>"
            for u, r, p in demo_users
        )
        demo = (
            f'<section class="demo"><h2>{t["demo"]}</h2><table><thead><tr><th>{t["user"]}</th>'
            f"<th>{t['role']}</th><th>{t['pw']}</th></tr></thead><tbody>{rows}</tbody></table></section>"
        )
    return f"""<!doctype html>
<html lang="{language}"><head><meta charset="utf-8"><title>{t["title"]}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/signin.css"></head>
<body><main class="card">
<header><h1>coach</h1><p>{t["tagline"]}</p></header>
<form method="post" action="/login?lang={language}" id="sign-in">
<h2>{t["heading"]}</h2>{message}
<input type="hidden" name="next" value="{escape(next_path)}">
<label>{t["username"]}<input name="username" id="username" autocomplete="username" required autofocus></label>
<label>{t["password"]}<input name="password" id="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="sign-in-button">{t["submit"]}</button>
</form>
<p class="switch"><a href="/login?lang={other}&amp;next={quote(next_path)}">{t["other"]}</a></p>
{demo}
</main></body></html>"""


def _login_error(error: CoachError, language: str) -> str:
    t = _TEXT[language]
    if isinstance(error, accounts.LoginError):
        text = str(error)
        if "disabled" in text:
            return t["disabled"]
        if "demo" in text:
            return t["demo_refused"]
        return t["wrong"]
    return t["unavailable"].format(error=error)


def add_auth_routes(
    app: Any, runtime: Runtime, cookies: SessionCookies, throttle: SignInThrottle | None = None
) -> None:
    """``/login`` (GET: the page; POST: check the password, set the cookie) and ``/logout``.

    Failed sign-ins are throttled (``throttle``, :class:`~coach.api.guard.SignInThrottle` by
    default): past the limit the page says how long to wait, with a 429, for any name.
    """
    throttle = throttle or SignInThrottle()

    def page_language(request: Request) -> str:
        asked = request.query_params.get("lang")
        if asked in LANGUAGES:
            return str(asked)
        return browser_language(request.headers.get("accept-language"))

    def demo_users() -> list[tuple[str, str, str]] | None:
        if not runtime.settings.is_dev:
            return None
        try:
            return profile.demo_accounts(runtime)
        except CoachError:
            return None

    @app.get("/login", include_in_schema=False)
    def sign_in_page(request: Request) -> Response:
        language = page_language(request)
        notice = _TEXT[language]["signed_out"] if request.query_params.get("out") else None
        return HTMLResponse(
            render_sign_in(
                language=language,
                notice=notice,
                next_path=_safe_next(request.query_params.get("next")),
                demo_users=demo_users(),
            )
        )

    @app.post("/login", include_in_schema=False)
    async def sign_in(request: Request) -> Response:
        language = page_language(request)
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        username = (form.get("username") or [""])[0].strip()
        password = (form.get("password") or [""])[0]
        next_path = _safe_next((form.get("next") or ["/"])[0])
        client = request.client.host if request.client else "?"

        def page(error: str, status: int, headers: dict[str, str] | None = None) -> Response:
            html = render_sign_in(
                language=language, error=error, next_path=next_path, demo_users=demo_users()
            )
            return HTMLResponse(html, status_code=status, headers=headers)

        wait = throttle.retry_after(username, client)
        if wait > 0:
            text = _TEXT[language]["too_many"].format(minutes=minutes(wait))
            return page(text, 429, {"Retry-After": str(int(wait) + 1)})
        try:
            user = accounts.authenticate(runtime, username=username, password=password)
        except CoachError as error:
            if isinstance(error, accounts.LoginError):
                throttle.failed(username, client)
            return page(_login_error(error, language), 401)
        throttle.succeeded(username, client)
        response = RedirectResponse(next_path, status_code=303)
        cookies.set(response, user.username)
        return response

    @app.api_route("/logout", methods=["GET", "POST"], include_in_schema=False)
    def sign_out(request: Request) -> Response:
        language = page_language(request)
        response = RedirectResponse(f"/login?out=1&lang={language}", status_code=303)
        cookies.clear(response)
        return response


class AuthGate:
    """ASGI middleware: no page, file, event or socket reaches an anonymous visitor."""

    def __init__(self, app: ASGIApp, *, identify: Callable[[HTTPConnection], str | None]):
        self.app = app
        self.identify = identify

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass signed-in and public requests on; answer the rest with sign-in or 401."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if any(path == p.rstrip("/") or path.startswith(p) for p in PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        if _bearer_for_api(conn):
            # The REST API checks the token itself (coach.api.v1.context) and answers 401.
            await self.app(scope, receive, send)
            return
        if self.identify(conn) is not None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4401})
            return
        response = self._refusal(conn)
        await response(scope, receive, send)

    @staticmethod
    def _refusal(conn: HTTPConnection) -> Response:
        accept = conn.headers.get("accept", "")
        if conn.scope.get("method") == "GET" and "text/html" in accept:
            target = conn.url.path + (f"?{conn.url.query}" if conn.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return JSONResponse(
            {"detail": "sign in first: this needs a signed-in user"}, status_code=401
        )


def _bearer_for_api(conn: HTTPConnection) -> bool:
    """An HTTP request to the REST API that carries an API token (checked by the API)."""
    if conn.scope["type"] != "http" or not conn.url.path.startswith(API_TOKEN_PREFIX):
        return False
    return conn.headers.get("authorization", "").lower().startswith("bearer ")


Identify = Callable[[HTTPConnection], str | None]
AsyncIdentify = Callable[[HTTPConnection], Awaitable[str | None]]
