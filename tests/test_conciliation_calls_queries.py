"""The voucher calls' listing pages make a fixed number of queries whatever the data size."""

from datetime import date, timedelta

from app.common.timeutil import utcnow
from app.conciliation import calls
from app.conciliation.eligibility import Draft, Member
from app.platform.extensions import db
from tests.calls_support import calls_world_fixture, fiscal_code, open_call  # noqa: F401
from tests.test_query_counts import count_queries

TODAY = date(2027, 3, 1)


def add_applications(world, call, start: int, n: int) -> None:
    for i in range(start, start + n):
        code = fiscal_code(i)
        members = [Member(code, 40), Member(fiscal_code(500 + i), 6, True)]
        draft = Draft(code, date(1980, 1, 1), "employee", 30, world.crema.id, 100_000 * i, TODAY,
                      ["veridicita", "privacy", "incompatibile-0"], members)  # fmt: skip
        details = {"full_name": f"P {i}", "employer": "D", "fund": "", "town_link": "work"}
        calls.submit(call, draft, world.resident, details, utcnow(), TODAY)
    db.session.commit()


def measure(browser, urls) -> list[int]:
    found = []
    for url in urls:
        with count_queries() as statements:
            response = browser.get(url)
        assert response.status_code == 200, url
        found.append(len(statements))
    return found


def test_listing_pages_make_a_fixed_number_of_queries(browser, calls_world):
    call = open_call([calls_world.crema, calls_world.lodi], budget_cents=10_000_000)
    add_applications(calls_world, call, 1, 2)
    call.closes_at = utcnow() - timedelta(seconds=1)
    calls.compute(call, utcnow())
    calls.publish(call, utcnow(), TODAY)
    calls.log_read(calls_world.coordinator, calls.applications_of(call)[0], "scheda")
    db.session.commit()
    browser.login(calls_world.coordinator)
    urls = [
        "/per-il-tuo-tempo/bandi/", f"/per-il-tuo-tempo/bandi/{call.id}/graduatoria",
        "/per-il-tuo-tempo/gestione-bandi/", f"/per-il-tuo-tempo/gestione-bandi/{call.id}",
        f"/per-il-tuo-tempo/gestione-bandi/{call.id}/letture", "/per-il-tuo-tempo/le-mie-domande",
    ]  # fmt: skip
    before = measure(browser, urls)
    second = open_call([calls_world.crema])
    add_applications(calls_world, second, 10, 8)
    db.session.execute(db.text("UPDATE voucher_applications SET call_id = :c WHERE call_id = :s"),
                       {"c": call.id, "s": second.id})  # fmt: skip
    db.session.commit()
    call.published_at = None  # computed and published again, now with ten applications
    calls.compute(call, utcnow())
    calls.publish(call, utcnow(), TODAY)
    for application in calls.applications_of(call):
        calls.log_read(calls_world.coordinator, application, "scheda")
    db.session.commit()
    assert len(calls.ranked(call)) == 10
    assert measure(browser, urls) == before
