"""Data kept per generation (page_cache.kept_for_generation): the calendar's filter choices."""

from app.agenda import query
from app.platform.extensions import db
from tests import factories
from tests.conftest import text
from tests.test_query_counts import count_queries


def places_read(statements: list[str]) -> int:
    return sum("FROM towns ORDER BY towns.name" in s for s in statements)


def test_the_filter_choices_are_read_once_per_change_of_the_data(browser, app):
    factories.center("Oratorio San Luigi", "Crema")
    db.session.commit()
    browser.get("/calendario")
    with count_queries(keep_pages=True) as kept:
        browser.get("/calendario?vista=settimana")  # another page, the same choices
    assert places_read(kept) == 0
    factories.center("Biblioteca di Offanengo", "Offanengo")
    db.session.commit()
    with count_queries(keep_pages=True) as after_change:
        page = browser.get("/calendario?vista=settimana")
    assert places_read(after_change) == 1
    assert "Biblioteca di Offanengo" in text(page) and "Offanengo" in text(page)


def test_a_request_that_has_written_reads_its_own_data(app):
    with app.test_request_context("/calendario"):
        factories.center("Oratorio San Luigi", "Crema")
        db.session.commit()
        assert [name for _, name, _ in query.choices(None)["centers"]] == ["Oratorio San Luigi"]
        factories.center("Biblioteca di Offanengo", "Offanengo")  # flushed, not committed
        names = [name for _, name, _ in query.choices(None)["centers"]]
        assert names == ["Biblioteca di Offanengo", "Oratorio San Luigi"]
        db.session.rollback()
        assert [name for _, name, _ in query.choices(None)["centers"]] == ["Oratorio San Luigi"]


def test_a_request_with_unflushed_writes_keeps_nothing_it_reads(app):
    from app.civic_centers.models import CivicCenter

    with app.test_request_context("/calendario"):
        crema = factories.center("Oratorio San Luigi", "Crema")
        db.session.commit()
        db.session.add(
            CivicCenter(
                name="Centro mai salvato", slug="mai", kind="oratorio", town=crema.town, address="Via Roma 1"
            )
        )
        assert "Centro mai salvato" in [name for _, name, _ in query.choices(None)["centers"]]  # autoflushed
        db.session.rollback()
        assert [name for _, name, _ in query.choices(None)["centers"]] == ["Oratorio San Luigi"]


def test_a_towns_choices_are_kept_apart(browser, app):
    factories.center("Oratorio San Luigi", "Crema")
    factories.center("Biblioteca di Offanengo", "Offanengo")
    db.session.commit()
    crema = browser.get("/calendario?comune=crema").get_data(as_text=True)
    everywhere = browser.get("/calendario").get_data(as_text=True)
    assert 'value="oratorio-san-luigi"' in crema and 'value="biblioteca-di-offanengo"' not in crema
    assert 'value="oratorio-san-luigi"' in everywhere and 'value="biblioteca-di-offanengo"' in everywhere


def test_labels_are_translated_once_per_language(app):
    from app.common.formatting import per_language

    built = []

    def build():
        built.append(1)
        return ("Bambini e ragazzi",)

    for _ in range(2):
        with app.test_request_context("/"):
            assert per_language("test labels", build) == ("Bambini e ragazzi",)
    assert len(built) == 1
    with app.test_request_context("/"):
        assert per_language("other test labels", lambda: ("Adulti",)) == ("Adulti",)
