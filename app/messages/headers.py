"""Header values made only from plain text, and written by us: a display name or a subject can
never become a header line of its own, whatever the Python version.

Python 3.11 before 3.11.10 decodes RFC 2047 encoded words while it parses a header value it is
given (a display name `=?utf-8?q?M=0D=0AReply-To=3A...?=`) and writes the decoded CR/LF raw
when it serialises (CVE-2024-6923); its folder also drops the quotes of a long quoted name, so
the address becomes part of the name. So:

1. `plain()`: every control character (C0, C1 including NEL, U+2028, U+2029) becomes a space,
   whitespace runs collapse, and `=?` becomes `= ?`: our own text never holds an encoded word.
2. `subject()` / `address()`: the header value is encoded here, with `email.header.Header`:
   plain ASCII words as they are, anything else as UTF-8 encoded words (so a literal `=?`,
   a quote or a bracket is itself encoded), folded at 76 columns. The message stores these
   values raw (`set_raw`) with a policy that never refolds them (`POLICY`).
3. `verify()`: each header is folded as the generator will write it; a line that does not
   continue its header (a space or a tab first) refuses the whole message.
"""

import re
import unicodedata
from email import policy as email_policy
from email.header import Header
from email.message import EmailMessage

# Unicode categories that break or control lines: Cc (C0, DEL, C1 with NEL U+0085), Zl (U+2028), Zp (U+2029).
_CONTROL = {"Cc", "Zl", "Zp"}
# A display name written as it is: ASCII letters, digits, spaces and RFC 5322 atext, no "=?".
_ATEXT_PHRASE = re.compile(r"^[A-Za-z0-9 !#$%&'*+\-/=?^_`{|}~]*$")
# Raw header values are written as given: no refolding by Python's folder.
POLICY = email_policy.default.clone(refold_source="none")


class UnsafeHeader(ValueError):
    """A header would not serialise as the one header it is meant to be."""


def plain(value, limit: int | None = None) -> str:
    """`value` as one line of plain text: no control character, no encoded word."""
    text = "".join(" " if unicodedata.category(ch) in _CONTROL else ch for ch in str(value or ""))
    text = " ".join(text.split()).replace("=?", "= ?")
    if limit is not None:
        text = text[:limit].rstrip()
    return text


def display_name(value) -> str:
    """A person's name for To or From (at most 120 characters, the outbox column)."""
    return plain(value, 120)


def _encoded(text: str, header_name: str) -> str:
    charset = "us-ascii" if text.isascii() else "utf-8"
    return Header(text, charset, header_name=header_name).encode(linesep="\n")


def subject(text: str) -> str:
    """A Subject value: the plain text, as ASCII words or UTF-8 encoded words."""
    return _encoded(plain(text, 255), "Subject")


def address(name: str, addr_spec: str, header_name: str) -> str:
    """`Name <addr>`: a name of plain ASCII words as it is, any other as UTF-8 encoded words."""
    name = display_name(name)
    if not name:
        return f"<{addr_spec}>"
    if _ATEXT_PHRASE.match(name) and "=?" not in name:
        return f"{name} <{addr_spec}>"
    return Header(name, "utf-8", header_name=header_name).encode(linesep="\n") + f" <{addr_spec}>"


def verify(email: EmailMessage) -> None:
    """Every header folds to lines that each continue the header (a space or a tab first):
    none can start a header or the body of its own."""
    for name, value in email.raw_items():  # as stored, as the generator writes them
        folded = email.policy.fold(name, value)
        lines = folded.split(email.policy.linesep)
        if lines and lines[-1] == "":
            lines.pop()
        if not lines or not lines[0].lower().startswith(name.lower() + ":"):
            raise UnsafeHeader(name)
        for line in lines:
            if "\r" in line or "\n" in line or "\x00" in line:
                raise UnsafeHeader(name)
        if any(line[:1] not in (" ", "\t") for line in lines[1:]):
            raise UnsafeHeader(name)
