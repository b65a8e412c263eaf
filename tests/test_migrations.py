"""The migrations build, from empty, exactly the schema the models describe."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.agenda import search
from app.agenda.models import SearchEntry
from app.agenda.services import Filters
from app.platform.database import include_object
from app.platform.extensions import db


@pytest.fixture
def empty_database_url(db_url, tmp_path):
    """A brand-new database of the same kind as the suite's."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = make_url(db_url)
    name = f"legami_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "user_roles", "towns", "zones", "audit_entries", "alembic_version"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_phone_only_sign_ups_may_repeat_and_survive_a_downgrade(empty_database_url):
    """0017: one active sign-up per e-mail, phone-only ones may repeat; going back to 0016
    keeps every registration, giving each later double a key of its own."""
    from sqlalchemy.exc import IntegrityError

    from app.labs.models import Registration
    from tests import factories

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": empty_database_url})

    def add(lab_id: int, name: str, key: str) -> None:
        db.session.add(Registration(lab_id=lab_id, full_name=name, contact_key=key, status="confirmed",
                                    withdraw_token_hash=name))  # fmt: skip
        db.session.commit()

    with app.app_context():
        upgrade()
        lab_id = factories.lab().id
        for name in ("Maria", "Luca", "Sara"):
            add(lab_id, name, "tel:3331234567")
        add(lab_id, "Rosa", "rosa@example.org")
        with pytest.raises(IntegrityError):
            add(lab_id, "Rosa di nuovo", "rosa@example.org")
        db.session.rollback()
        ids = db.session.scalars(select(Registration.id).order_by(Registration.id)).all()
        db.session.remove()

        downgrade(revision="0016")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT contact_key, status FROM lab_registrations ORDER BY id")).all()
        assert rows == [("tel:3331234567", "confirmed"), (f"tel:3331234567#{ids[1]}", "confirmed"),
                        (f"tel:3331234567#{ids[2]}", "confirmed"), ("rosa@example.org", "confirmed")]  # fmt: skip
        with pytest.raises(IntegrityError):  # the old index is back: one active sign-up per phone
            add(lab_id, "Pietro", "tel:3331234567")
        db.session.rollback()
        db.session.remove()
        upgrade()
        downgrade(revision="base")
        db.engine.dispose()


def test_free_text_agendas_become_one_point_per_line(empty_database_url):
    """0021: a meeting's free-text agenda becomes its points, in order (empty lines dropped, an
    over-long line cut to 200 characters); going back to 0019 writes the titles back as lines."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": empty_database_url})
    long_line = "Bilancio " + "x" * 300
    with app.app_context():
        upgrade(revision="0019")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO working_groups (id, slug, name, description, district, created_at) "
                "VALUES (1, 'g', 'Gruppo', '', '', '2014-01-01 00:00:00')"
            ))  # fmt: skip
            for meeting_id, agenda in (
                (1, f"Sintesi del lavoro\n\n  Piste di lavoro  \n{long_line}"),
                (2, ""),
            ):
                conn.execute(
                    text(
                        "INSERT INTO meetings (id, group_id, held_on, start_time, end_time, venue, agenda, "
                        "created_at) VALUES (:id, 1, '2014-04-09', '14:30:00', '16:40:00', 'Crema', :agenda, "
                        "'2014-01-01 00:00:00')"
                    ),
                    {"id": meeting_id, "agenda": agenda},
                )
            conn.execute(text(
                "INSERT INTO meeting_attendances (meeting_id, guest_name, guest_organisation, status) "
                "VALUES (1, 'Angelo Stanghellini', '', 'present')"
            ))  # fmt: skip
        upgrade(revision="0021")
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT meeting_id, position, title, presenter, decision_kind, decision FROM agenda_points "
                "ORDER BY meeting_id, position"
            )).all()  # fmt: skip
            columns = {c["name"] for c in inspect(conn).get_columns("meetings")}
            kept = conn.execute(text("SELECT guest_name FROM meeting_attendances")).scalars().all()
        assert rows == [(1, 1, "Sintesi del lavoro", "", "none", ""), (1, 2, "Piste di lavoro", "", "none", ""),
                        (1, 3, long_line[:200], "", "none", "")]  # fmt: skip
        assert "agenda" not in columns
        assert kept == ["Angelo Stanghellini"]  # the meeting's other rows are untouched

        downgrade(revision="0019")
        with db.engine.connect() as conn:
            agendas = conn.execute(text("SELECT id, agenda FROM meetings ORDER BY id")).all()
        assert agendas == [(1, f"Sintesi del lavoro\nPiste di lavoro\n{long_line[:200]}"), (2, "")]
        upgrade()


def test_names_made_from_addresses_are_emptied_and_come_back_on_downgrade(empty_database_url):
    """0022: an account named after its address (the old invitation) loses that name."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": empty_database_url})
    with app.app_context():
        upgrade(revision="0021")
        with db.engine.begin() as conn:
            for email, name in (("elena.cabrini@example.org", "elena.cabrini@example.org"),
                                ("anna@example.org", "Anna Rossi")):  # fmt: skip
                conn.execute(
                    text("INSERT INTO users (email, full_name, is_active, session_token, created_at) "
                         "VALUES (:e, :n, true, :e, CURRENT_TIMESTAMP)"), {"e": email, "n": name},
                )  # fmt: skip
        upgrade()
        with db.engine.connect() as conn:
            names = conn.execute(text("SELECT full_name FROM users ORDER BY email")).scalars().all()
        assert names == ["Anna Rossi", ""]
        downgrade(revision="0021")
        with db.engine.connect() as conn:
            names = conn.execute(text("SELECT full_name FROM users ORDER BY email")).scalars().all()
        assert names == ["Anna Rossi", "elena.cabrini@example.org"]
        downgrade(revision="base")
        db.engine.dispose()


def test_rebuilding_a_table_keeps_the_rows_that_point_at_it(empty_database_url):
    """0022 rebuilds `meetings` on SQLite (batch mode: copy, drop, rename). With foreign keys
    enforced the drop deleted every attendance and point of every meeting (ON DELETE CASCADE);
    migrations run with them off, checked after, and on again for the application."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": empty_database_url})
    with app.app_context():
        upgrade(revision="0021")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO working_groups (id, slug, name, description, district, created_at) "
                "VALUES (1, 'g', 'Gruppo', '', '', '2014-01-01 00:00:00')"
            ))  # fmt: skip
            conn.execute(text(
                "INSERT INTO meetings (id, group_id, held_on, start_time, end_time, venue, created_at) "
                "VALUES (1, 1, '2014-04-09', '14:30:00', '16:40:00', 'Crema', '2014-01-01 00:00:00')"
            ))  # fmt: skip
            conn.execute(text(
                "INSERT INTO meeting_attendances (meeting_id, guest_name, guest_organisation, status) "
                "VALUES (1, 'Angelo Stanghellini', '', 'present')"
            ))  # fmt: skip
            conn.execute(text(
                "INSERT INTO agenda_points (meeting_id, position, title, presenter, decision_kind, decision) "
                "VALUES (1, 1, 'Piste di lavoro', '', 'none', '')"
            ))  # fmt: skip
        upgrade()
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT guest_name FROM meeting_attendances")).scalars().all()
            titles = conn.execute(text("SELECT title FROM agenda_points")).scalars().all()
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again
        assert kept == ["Angelo Stanghellini"] and titles == ["Piste di lavoro"]


def test_0028_fills_the_words_of_what_is_already_public(empty_database_url):
    """0028: every public activity, lab and center gets its row of words (a draft none); /cerca
    finds them at once; going back to 0022 drops the table and its index."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": empty_database_url})
    stamps = {"now": "2026-01-01 00:00:00"}
    with app.app_context():
        upgrade(revision="0022")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO towns (id, name, slug) VALUES (1, 'Offanengo', 'offanengo')"))
            conn.execute(text(
                "INSERT INTO civic_centers (id, name, slug, kind, town_id, address, description, accessibility, "
                "contact, created_at, updated_at) VALUES (1, 'Biblioteca', 'biblioteca', 'biblioteca', 1, "
                "'Via Roma 1', '', '', '', :now, :now)"
            ), stamps)  # fmt: skip
            for row in ({"id": 1, "title": "Letture animate", "status": "published"},
                        {"id": 2, "title": "Letture in bozza", "status": "draft"}):  # fmt: skip
                conn.execute(text(
                    "INSERT INTO activities (id, uid, center_id, title, description, audience, category, status, "
                    "cancel_reason, start_on, start_time, end_time, freq, interval, weekdays, price, sequence, created_at, "
                    "updated_at) VALUES (:id, :title, 1, :title, 'Fiabe', 'children', 'cultura', :status, '', "
                    "'2026-02-03', '16:30:00', '18:00:00', 'none', 1, '', '', 0, :now, :now)"
                ), row | stamps)  # fmt: skip
            conn.execute(text(
                "INSERT INTO labs (id, slug, title, description, theme, status, town_id, venue, partners, capacity, "
                "created_at, updated_at) VALUES (1, 'orto', 'Orto', 'Verdure', 'animazione', 'open', 1, 'Sala', '', "
                "10, :now, :now)"
            ), stamps)  # fmt: skip
        upgrade(revision="0028")
        rows = db.session.execute(
            select(SearchEntry.kind, SearchEntry.ref_id).order_by(SearchEntry.kind)
        ).all()
        assert rows == [("activity", 1), ("center", 1), ("lab", 1)]
        assert [a.title for a in search.find("letture offanengo", Filters()).activities] == [
            "Letture animate"
        ]
        assert [lab.title for lab in search.find("verdure", Filters()).labs] == ["Orto"]
        db.session.remove()
        downgrade(revision="0022")
        assert "search_entries" not in inspect(db.engine).get_table_names()
        upgrade()
        downgrade(revision="base")
        db.engine.dispose()
