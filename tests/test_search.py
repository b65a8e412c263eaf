"""/cerca (issue 22): public activities, labs and centers found by their words, with the
calendar's filters; the words kept current in the transaction of each change; a fixed number
of queries whatever the size."""

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.agenda.models import SearchEntry
from app.agenda.search import reindex_all
from app.civic_centers.models import ActivityStatus
from app.platform import page_cache
from app.platform.extensions import db
from tests import factories
from tests.conftest import TOKEN_RE
from tests.test_query_counts import count_queries


@pytest.fixture
def district(app):
    oratorio = factories.center()
    biblioteca = factories.center("Biblioteca comunale", "Offanengo", slug="biblioteca")
    teatro = factories.activity(oratorio, title="Laboratorio di teatro", description="Improvvisazione e voce.",
                                audience="teenagers", age_min=11, age_max=17)  # fmt: skip
    factories.activity(biblioteca, title="Letture ad alta voce", description="Fiabe per i più piccoli.",
                       age_min=3, age_max=6)  # fmt: skip
    factories.activity(oratorio, title="Teatro in bozza", status=ActivityStatus.DRAFT)
    factories.lab(title="Orto condiviso", description="Coltiviamo insieme le verdure dell'orto.")
    db.session.commit()
    return oratorio, biblioteca, teatro


def found(browser, query: str) -> str:
    """What the page found (the filters' lists name every center: left out)."""
    response = browser.get("/cerca?" + query)
    assert response.status_code == 200
    results = BeautifulSoup(response.get_data(as_text=True), "html.parser").find(id="risultati")
    return " ".join(results.get_text(" ").split())


def test_an_empty_search_asks_for_words(browser, district):
    page = found(browser, "")
    assert "Scrivi una o più parole" in page and "Risultati" not in page
    assert "Scrivi una o più parole" in found(browser, "q=%21%3F")  # no word in it


def test_words_find_activities_labs_and_centers_in_every_town(browser, district):
    page = found(browser, "q=teatro")
    assert "Laboratorio di teatro" in page and "Oratorio San Luigi, Crema" in page
    assert "Teatro in bozza" not in page  # a draft is not public
    assert "Orto condiviso" in found(browser, "q=verdure")
    assert "Biblioteca comunale" in found(browser, "q=biblioteca")
    every = found(browser, "q=voce")  # in two descriptions, two towns
    assert "Laboratorio di teatro" in every and "Letture ad alta voce" in every


def test_a_plural_finds_the_singular(browser, district):
    assert "Laboratorio di teatro" in found(browser, "q=laboratori")
    assert "Letture ad alta voce" in found(browser, "q=lettura")


def test_every_word_must_match(browser, district):
    assert "Laboratorio di teatro" in found(browser, "q=teatro+voce")
    assert "Nessun risultato per «teatro fiabe»" in found(browser, "q=teatro+fiabe")


def test_what_a_user_types_is_never_query_syntax(browser, district):
    for query in (
        'q="teatro',
        "q=teatro+OR+NOT",
        "q=*",
        "q=teatro%29%28",
        "q=NEAR%28a+b%29",
        "q=" + "x" * 500,
    ):
        assert browser.get("/cerca?" + query).status_code == 200, query


@pytest.mark.parametrize(
    ("filters", "shown", "hidden"),
    [
        ("comune=offanengo", ["Letture ad alta voce"], ["Laboratorio di teatro"]),
        ("centro=oratorio-san-luigi", ["Laboratorio di teatro"], ["Letture ad alta voce"]),
        ("eta=5", ["Letture ad alta voce"], ["Laboratorio di teatro"]),
        ("eta=14", ["Laboratorio di teatro"], ["Letture ad alta voce"]),
        ("pubblico=ragazzi", ["Laboratorio di teatro"], ["Letture ad alta voce"]),
    ],
)
def test_the_calendars_filters_narrow_the_words(browser, district, filters, shown, hidden):
    page = found(browser, "q=voce&" + filters)
    assert all(title in page for title in shown), page
    assert not any(title in page for title in hidden), page


def test_centers_are_found_only_with_filters_about_places(browser, district):
    places = found(browser, "q=offanengo&comune=offanengo")
    assert "Centri Civici Biblioteca comunale Via Bottesini 4, Offanengo" in places
    ages = found(browser, "q=offanengo&eta=5")
    assert "Letture ad alta voce" in ages and "Centri Civici" not in ages


def test_an_unknown_town_is_not_found(browser, district):
    assert browser.get("/cerca?q=teatro&comune=atlantide").status_code == 404


def test_the_words_follow_each_change_in_its_own_transaction(browser, district):
    oratorio, _biblioteca, teatro = district
    teatro.title = "Corso di recitazione"
    db.session.commit()
    assert "Corso di recitazione" in found(browser, "q=recitazione")
    assert "Nessun risultato" in found(browser, "q=teatro+improvvisazione")
    oratorio.name = "Casa del quartiere"
    db.session.commit()
    assert "Corso di recitazione" in found(browser, "q=quartiere")  # the activity's words name its center
    teatro.status = ActivityStatus.DRAFT
    db.session.commit()
    assert "Corso di recitazione" not in found(browser, "q=recitazione")
    rows = db.session.execute(select(SearchEntry.kind, SearchEntry.ref_id)).all()
    assert ("activity", teatro.id) not in rows and ("center", oratorio.id) in rows


def test_a_change_rolled_back_leaves_the_words_as_they_were(browser, district):
    teatro = district[2]
    teatro.title = "Mai salvato"
    db.session.flush()
    db.session.rollback()
    assert "Nessun risultato" in found(browser, "q=salvato")
    assert "Laboratorio di teatro" in found(browser, "q=teatro")


def test_rebuilding_gives_the_same_rows(app, district):
    before = sorted(
        db.session.execute(select(SearchEntry.kind, SearchEntry.ref_id, SearchEntry.document)).all()
    )
    reindex_all()
    db.session.commit()
    assert (
        sorted(db.session.execute(select(SearchEntry.kind, SearchEntry.ref_id, SearchEntry.document)).all())
        == before
    )


def test_the_search_makes_a_fixed_number_of_queries(browser, district):
    oratorio, biblioteca, _teatro = district

    def add(numbers):
        for i in numbers:
            factories.activity(oratorio if i % 2 else biblioteca, title=f"Voce {i}", description="voce")
            factories.lab(title=f"Coro a più voci {i}", slug=f"coro-{i}", description="voce")
            factories.center(f"Centro della voce {i}", slug=f"voce-{i}", town_name=f"Comune {i}")
        db.session.commit()

    add(range(1))
    found(browser, "q=voce")
    with count_queries() as few:
        assert "Coro a più voci 0" in found(browser, "q=voce")
    add(range(1, 12))
    with count_queries() as many:
        page = found(browser, "q=voce")
    assert "Voce 11" in page and "Coro a più voci 11" in page and "Centro della voce 11" in page
    assert few and len(many) == len(few), many


def test_each_search_reads_its_own_words_with_the_pages_cache_on(app, browser, district):
    """Words are never answered from another search's page."""
    with count_queries(keep_pages=True):
        assert "Laboratorio di teatro" in found(browser, "q=teatro")
        assert "Orto condiviso" in found(browser, "q=verdure") and "teatro" not in found(browser, "q=verdure")
        found(browser, "")
        with count_queries(keep_pages=True) as seen:
            assert "Scrivi una o più parole" in found(browser, "altro=1")
        # the empty search, kept (an unknown argument shares its entry): the generation's read only
        assert [s for s in seen if s.startswith("SELECT")] == [seen[-1]] and "page_generation" in seen[-1]


# --- kept pages: one entry per words as searched, apart from the pages many people read -------


def kept(app, segment=None) -> int:
    return app.extensions[page_cache.EXTENSION].size(segment)[0]


def typed_in_the_box(html: str) -> str:
    return BeautifulSoup(html, "html.parser").find(id="cerca-parole")["value"]


def test_the_same_words_in_another_case_spacing_or_order_share_one_kept_page(app, browser, district):
    spellings = ["Teatro voce", "  voce,   TEATRO!  ", "teatro voce voce", "VOCE (teatro)"]
    first = browser.get("/cerca?" + urlencode({"q": spellings[0]})).get_data(as_text=True)
    assert "Laboratorio di teatro" in first and kept(app, "search") == 1
    for typed in spellings[1:]:
        with count_queries(keep_pages=True) as seen:
            page = browser.get("/cerca?" + urlencode({"q": typed})).get_data(as_text=True)
        selects = [s for s in seen if s.startswith("SELECT")]
        assert len(selects) == 1 and "page_generation" in selects[0], selects  # served from the kept page
        # ...each visitor reading what they typed: in the box, the title and the results' line
        assert typed_in_the_box(page) == typed.strip()
        assert f"«{typed.strip()}»: cerca" in page and f"Risultati per «{typed.strip()}»" in page
        assert page.replace(typed.strip(), spellings[0]) == first
    assert kept(app, "search") == 1 and kept(app) == 0  # apart from the main part
    # Other words, other filters: other entries; no word at all ('?!') is one more, not the empty page's.
    for query in ("q=teatro", "q=teatro+voce&eta=14", "q=%3F%21", "q=%21%21", ""):
        browser.get("/cerca?" + query)
    assert kept(app, "search") == 4 and kept(app) == 1
    assert typed_in_the_box(browser.get("/cerca?q=%21%21").get_data(as_text=True)) == "!!"
    assert typed_in_the_box(browser.get("/cerca").get_data(as_text=True)) == ""


def test_a_kept_search_page_reads_as_the_page_rendered_each_time(app, browser, district):
    """Markup in the words is escaped as the template escapes it, in the box, the title and the text."""
    query = "/cerca?" + urlencode({"q": "<b>Teatro</b> & \"voce\" 'l'", "eta": "14"})
    with count_queries():  # the pages' cache off: rendered by the view alone
        rendered = browser.get(query).get_data(as_text=True)
    assert "<b>Teatro" not in rendered
    assert "&lt;b&gt;Teatro&lt;/b&gt; &amp; &#34;voce&#34; &#39;l&#39;" in rendered
    assert "Laboratorio di teatro" in rendered
    first, again = (browser.get(query).get_data(as_text=True) for _ in range(2))
    assert kept(app, "search") == 1
    assert TOKEN_RE.sub("", first) == TOKEN_RE.sub("", again) == TOKEN_RE.sub("", rendered)
    assert page_cache.ECHO_MARK not in again


@pytest.mark.parametrize("app", [{"PAGE_CACHE_SEARCH_BYTES": 120_000}], indirect=True)
def test_made_up_searches_push_out_only_one_another(app, browser, district):
    for path in ("/", "/calendario", "/cerca"):
        browser.get(path)
    assert kept(app) == 3
    for n in range(150):
        assert "Nessun risultato" in found(browser, f"q=parola{n}")
    entries, counted = app.extensions[page_cache.EXTENSION].size("search")
    assert 1 < entries < 150 and counted <= 120_000
    for path in ("/", "/calendario", "/cerca"):  # still kept: the generation's read only
        with count_queries(keep_pages=True) as seen:
            assert browser.get(path).status_code == 200
        assert len([s for s in seen if s.startswith("SELECT")]) == 1, (path, seen)
    assert kept(app) == 3


@pytest.mark.parametrize("app", [{"PAGE_CACHE_SEARCH_BYTES": 0}], indirect=True)
def test_the_searches_part_can_be_turned_off(app, browser, district):
    for _ in range(2):
        assert "Laboratorio di teatro" in found(browser, "q=teatro")
        found(browser, "")
    assert kept(app, "search") == 0 and kept(app) == 1  # the empty search is still kept


def test_a_change_of_the_data_renders_the_search_again(app, browser, district):
    oratorio = district[0]
    assert "Teatro dei burattini" not in found(browser, "q=teatro")
    assert kept(app, "search") == 1
    factories.activity(oratorio, title="Teatro dei burattini")
    db.session.commit()
    page = found(browser, "q=TEATRO")
    assert "Teatro dei burattini" in page and "Laboratorio di teatro" in page


def test_a_search_is_never_kept_for_someone_signed_in(app, browser, district, maker):
    browser.login(maker)
    for _ in range(2):
        assert "Laboratorio di teatro" in found(browser, "q=teatro")
    assert kept(app, "search") == 0
    with count_queries(keep_pages=True) as seen:
        found(browser, "q=teatro")
    assert len([s for s in seen if "search_entries" in s]) >= 1  # searched again
