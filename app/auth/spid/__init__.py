"""Entra con SPID o CIE: Legami as a SAML 2 Service Provider following AgID's SPID technical rules.

`settings.py` reads the settings and builds pysaml2's configuration (the identity providers'
metadata loaded from files, no network), `metadata.py` the SP's signed metadata, `login.py` the
signed AuthnRequest, `assertion.py` the validation of a Response, `replay.py` the consumed ids,
`accounts.py` what a proved identity does to accounts, `logout.py` Single Logout; its views are
in `routes.py` (on the auth blueprint), its e-mail in `notices.py`, its commands in `cli.py`."""
