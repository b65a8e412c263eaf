"""The rules a new password follows, in one place: every form that chooses one (invitation,
reset, change) use `new_password_fields()` in forms.py, hence `NotCommon`; `flask users create`
asks `is_common()`."""

from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

PASSWORD_MIN = 10
PASSWORD_MAX = 128
_LIST = Path(__file__).with_name("common_passwords.txt")
COMMON_MESSAGE = _l(
    "Questa password è tra le più usate e si indovina in pochi tentativi: scegline una meno prevedibile, "
    "ad esempio tre o quattro parole a caso."
)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (source named in its header), read once per process."""
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()


class NotCommon:
    """WTForms validator: refuse a password found in the list of common passwords."""

    def __call__(self, form, field) -> None:
        if field.data and is_common(field.data):
            raise ValidationError(COMMON_MESSAGE)
