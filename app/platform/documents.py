"""HTML to PDF/A with WeasyPrint: one function, reused by every feature that issues documents.

    pdf = html_to_pdfa(render_template("x.html", ...), base_url=request.url_root)

The PDF is PDF/A-3u (archival, text extractable, every font embedded) and tagged for
accessibility. Only files under the app's own folder are fetched (stylesheets, fonts): any
other URL in the HTML is refused, so user text can never make the server fetch something."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/a-3u"
APP_DIR = Path(__file__).resolve().parent


class LocalFetcher(URLFetcher):
    """Only file: URLs inside the app folder (its stylesheets and fonts)."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        path = Path(os.path.normpath(unquote(urlsplit(url).path)))
        if not path.is_relative_to(APP_DIR):
            raise ValueError(f"Refused to fetch {url}")
        return super().fetch(url, headers)


def html_to_pdfa(html: str, *, base_url: str) -> bytes:
    """A PDF/A-3u document from HTML; base_url resolves relative links (e.g. the app folder)."""
    document = HTML(string=html, base_url=base_url, url_fetcher=LocalFetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, uncompressed_pdf=False)
