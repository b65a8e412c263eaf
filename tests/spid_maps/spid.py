"""SPID's attribute names (basic NameFormat) for the test identity provider: each name as itself."""

NAMES = ("fiscalNumber", "name", "familyName", "email", "dateOfBirth", "spidCode", "mobilePhone")

MAP = {
    "identifier": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
    "fro": {name: name for name in NAMES},
    "to": {name: name for name in NAMES},
}
