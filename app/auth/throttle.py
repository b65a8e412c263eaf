"""Password guessing is slowed down at its source, never at the account's owner.

Only failures count, in the limiter's storage (Redis in production, shared by every worker;
memory in development), so correct logins never use anything up:

- per account and address pair (`LOGIN_FAILURES_PER_PAIR`): one address guessing one
  account is refused, right password included, while the owner elsewhere logs in as usual;
- per address (`LOGIN_FAILURES_PER_ADDRESS`): far above what a school's or a parish's shared
  network sends, it stops one address trying many accounts;
- per account, from any address (`LOGIN_GUARD_AFTER`): many addresses guessing one account
  (a botnet) put the account under guard: a password is no longer enough, the right one
  mails its owner a single-use login link (`login_link.py`), and the page says the same
  whether the password was right or wrong, so guessing teaches nothing;
- per account, the current password on /profilo/password (`PASSWORD_CHECK_FAILURES`).

Accounts are counted by the e-mail typed, existing or not: the replies never tell which exist.
"""

from flask import current_app, request
from flask_babel import gettext as _
from limits import parse

from app.platform.extensions import limiter


def _limit(setting: str):
    return parse(current_app.config[setting])


def _ids(*parts: str) -> tuple[str, ...]:
    return (current_app.config.get("RATELIMIT_KEY_PREFIX") or "", "auth-failures", *parts)


def _room(setting: str, *parts: str) -> bool:
    """True while the counter is below its limit (a test, counting nothing)."""
    return limiter.limiter.test(_limit(setting), *_ids(*parts))


def _count(setting: str, *parts: str) -> None:
    limiter.limiter.hit(_limit(setting), *_ids(*parts))


def address() -> str:
    # The client address as ProxyFix left it (TRUSTED_PROXIES behind a proxy).
    return request.remote_addr or "unknown"


def account(email: str) -> str:
    return email.strip().lower()[:254]


def login_refusal(email: str) -> str | None:
    """Before a password is checked: the Italian reason this source must wait, or None."""
    if not _room("LOGIN_FAILURES_PER_ADDRESS", "address", address()):
        return _(
            "Troppi accessi non riusciti da questa rete: per sicurezza attendi qualche minuto e riprova."
        )
    if not _room("LOGIN_FAILURES_PER_PAIR", "pair", account(email), address()):
        return _(
            "Troppi tentativi sbagliati per questo account da questa rete: riprova fra 15 minuti, "
            "oppure scegli una nuova password con «Password dimenticata?»."
        )
    return None


def under_guard(email: str) -> bool:
    """Whether the account has had so many failures, from anywhere, that a password is not enough."""
    return not _room("LOGIN_GUARD_AFTER", "account", account(email))


def login_failed(email: str) -> None:
    _count("LOGIN_FAILURES_PER_ADDRESS", "address", address())
    _count("LOGIN_FAILURES_PER_PAIR", "pair", account(email), address())
    _count("LOGIN_GUARD_AFTER", "account", account(email))


def password_check_refusal(user_id: int) -> str | None:
    """Before /profilo/password checks the current password: the reason to wait, or None."""
    if _room("PASSWORD_CHECK_FAILURES", "current-password", str(user_id)):
        return None
    return _("Troppi tentativi con la password attuale: per sicurezza riprova fra 15 minuti.")


def password_check_failed(user_id: int) -> None:
    _count("PASSWORD_CHECK_FAILURES", "current-password", str(user_id))
