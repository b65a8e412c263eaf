"""The platform: the web and data machinery every feature stands on (configuration, database,
extensions, errors, security headers, the public pages' cache, the request log, rate-limit
storage, the cycle collector, lost-update versions, file storage and PDF/A documents).

Nothing here knows a feature; it imports only `app.common` below it."""
