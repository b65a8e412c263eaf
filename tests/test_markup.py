"""User Markdown is rendered, and nothing in it can run."""

import pytest
from bs4 import BeautifulSoup

from app.common.markup import render_markdown


def test_markdown_is_rendered():
    html = str(render_markdown("**Presenti**: Anna, Luca\n\n- a) pista uno\n- b) pista due"))
    assert "<strong>Presenti</strong>" in html and "<li>a) pista uno</li>" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[clicca](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p onclick="alert(1)">x</p>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_nothing_in_markdown_can_run(source):
    soup = BeautifulSoup(str(render_markdown(source)), "html.parser")
    assert not soup.find_all(["script", "iframe", "img", "object", "embed", "style"])
    for tag in soup.find_all(True):
        assert not any(name.startswith("on") for name in tag.attrs), tag
        href = tag.get("href", "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:")), tag


def test_raw_html_is_shown_as_text():
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in str(render_markdown("<script>alert(1)</script>"))


def test_links_get_nofollow_noopener():
    html = str(render_markdown("[sito](https://www.comune.crema.cr.it) e https://example.org"))
    assert html.count('rel="nofollow noopener"') == 2


def test_empty_source():
    assert render_markdown(None) == "" and render_markdown("") == ""


def test_code_spans_are_escaped_once():
    html = str(render_markdown("Usa `a < b && c > d` e `<b>`, non <b>grassetto</b>."))
    assert "<code>a &lt; b &amp;&amp; c &gt; d</code>" in html
    assert "<code>&lt;b&gt;</code>" in html and "&lt;b&gt;grassetto&lt;/b&gt;" in html
    assert "&amp;lt;" not in html and "&amp;amp;" not in html


def test_a_short_text_is_rendered_once_and_kept_a_long_one_each_time():
    from app.common import markup

    markup._kept.cache_clear()
    short = "Apre **lunedì** <b>alle 9</b>"
    first = markup.render_markdown(short)
    assert markup.render_markdown(short) == first
    assert "<strong>lunedì</strong>" in first and "&lt;b&gt;alle 9&lt;/b&gt;" in first
    assert markup._kept.cache_info().hits == 1
    long = "x" * markup.KEPT_CHARS + " <script>"
    assert "&lt;script&gt;" in markup.render_markdown(long)
    assert markup._kept.cache_info().currsize == 1  # the long one is not kept
