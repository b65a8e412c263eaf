"""The consent the beneficiary gives, and its version (recorded on each pact when it starts).

Change CONSENT_VERSION whenever templates/pacts/_consent.html changes: every
pact keeps the version its beneficiary agreed to.
"""

CONSENT_VERSION = "2026.1"
