"""Where e-mail goes: an SMTP relay (smtplib), or files under instance/mail in development."""

import contextlib
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path


class TemporaryFailure(Exception):
    """Try again later (4xx, connection refused, timeout)."""

    def __init__(self, reason: str, connection: bool):
        super().__init__(reason)
        self.connection = connection  # the server itself is unreachable: every message waits


class PermanentFailure(Exception):
    """The server refused this message for good (5xx)."""


def classify(error: Exception) -> Exception:
    """Map smtplib's and the socket's errors to temporary or permanent failures."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        text = "; ".join(
            f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()
        )
        if codes and all(code >= 500 for code in codes):
            return PermanentFailure(text)
        return TemporaryFailure(text, connection=False)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return TemporaryFailure(f"SMTP: {error}", connection=True)
    if isinstance(error, smtplib.SMTPResponseException):
        reply = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else error.smtp_error
        )
        text = f"{error.smtp_code} {reply}"
        if error.smtp_code >= 500:
            return PermanentFailure(text)
        return TemporaryFailure(text, connection=error.smtp_code == 421)
    if isinstance(error, OSError | smtplib.SMTPException):
        return TemporaryFailure(f"SMTP: {error.__class__.__name__}: {error}", connection=True)
    return error


class SmtpTransport:
    """One connection, opened on first use and reused for a batch; reopened after an error."""

    def __init__(self, config):
        self.config = config
        self.connection = None

    def _connect(self):
        c = self.config
        timeout = c["MAIL_TIMEOUT"]
        if c["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(
                c["MAIL_SERVER"], c["MAIL_PORT"], timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=timeout)
            if c["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
        if c.get("MAIL_USERNAME"):
            smtp.login(c["MAIL_USERNAME"], c.get("MAIL_PASSWORD") or "")
        return smtp

    def send(self, email: EmailMessage) -> None:
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_message(email)
        except Exception as error:
            self.close()
            raise classify(error) from error

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self.connection.quit()
            self.connection = None


class FileTransport:
    """Development: each message is an .eml file under instance/mail/ (open it with any mail app)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, email: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = email["Message-ID"].strip("<>").partition("@")[0]
        (self.folder / f"{name}.eml").write_bytes(bytes(email))

    def close(self) -> None:
        pass


def transport_for(app):
    if app.config.get("MAIL_SERVER"):
        return SmtpTransport(app.config)
    return FileTransport(Path(app.instance_path) / "mail")
