"""One place for error pages: 400/403/404/405/413/429/500/503 and a failed CSRF check."""

from flask import Flask, render_template
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from app.platform.extensions import db
from app.platform.file_keys import StorageUnavailable

MESSAGES = {
    400: (_l("Richiesta non valida"), _l("La richiesta non è stata capita. Controlla i dati e riprova.")),
    403: (_l("Accesso negato"), _l("Non hai i permessi per questa pagina o per questa azione.")),
    404: (_l("Pagina non trovata"), _l("La pagina che cerchi non esiste o non è più disponibile.")),
    405: (_l("Operazione non consentita"), _l("Questa pagina non accetta questo tipo di richiesta.")),
    413: (
        _l("File troppo grande"),
        _l(
            "Il file o i dati inviati superano il limite: un allegato può essere al massimo di 10 MB. "
            "Non è stato salvato nulla. Torna indietro e scegli un file più piccolo (puoi comprimerlo o "
            "dividerlo in più parti)."
        ),
    ),
    429: (
        _l("Troppi tentativi"),
        _l("Hai fatto troppi tentativi in poco tempo. Per sicurezza attendi qualche minuto e riprova."),
    ),
    500: (
        _l("Errore del server"),
        _l("Si è verificato un errore imprevisto. Nessun dato è stato modificato. Riprova più tardi."),
    ),
    503: (
        _l("Archivio dei file non raggiungibile"),
        _l(
            "In questo momento l'archivio dei file (allegati e verbali approvati) non risponde. "
            "Nessun dato è stato modificato. Riprova tra qualche minuto."
        ),
    ),
}

CSRF_MESSAGE = _l(
    "Il modulo è scaduto o non è valido, quindi non è stato salvato nulla. "
    "Torna alla pagina, ricaricala e invia di nuovo i dati."
)


def render_error(code: int, message=None):
    title, default = MESSAGES[code]
    if request_ctx.url_adapter is None:
        # The Host header is not one of TRUSTED_HOSTS: no link can be built
        # for it, so the page is plain text.
        return f"{code} {title}. {message or default}", code, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("errors/error.html", code=code, title=title, message=message or default), code


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        if code == 500:
            continue
        app.register_error_handler(code, lambda e, code=code: render_error(code))

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(error):
        # The object store is down: nothing of this request is committed (the object comes first).
        db.session.rollback()
        app.logger.error("file store unavailable: %s", error)
        body, code, *headers = render_error(503)
        return body, code, {**(headers[0] if headers else {}), "Retry-After": "60"}

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render_error(500)
