"""Print the public pages and feeds that bench/workers.sh requests, from the app's own database.

Run:  .venv/bin/python bench/worker_paths.py     (uses DATABASE_URL / instance/config.py, as the app does)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from app import create_app
from app.civic_centers.models import CivicCenter
from app.groups.models import WorkingGroup
from app.labs.models import Lab
from app.platform.extensions import db
from app.towns.models import Town

FIXED = [
    "/",
    "/calendario",
    "/calendario?vista=mese",
    "/centri/",
    "/laboratori/",
    "/gruppi/",
    "/ical/tutto.ics",
]


def main() -> None:
    app = create_app()
    with app.app_context():
        paths = list(FIXED)
        for slug in db.session.scalars(select(WorkingGroup.slug).order_by(WorkingGroup.id).limit(3)):
            paths.append(f"/gruppi/{slug}")
        labs = [lab for lab in db.session.scalars(select(Lab).order_by(Lab.id).limit(50)) if lab.is_public]
        for lab in labs[:3]:
            paths += [f"/laboratori/{lab.slug}", f"/ical/laboratori/{lab.slug}.ics"]
        for slug in db.session.scalars(select(CivicCenter.slug).order_by(CivicCenter.id).limit(3)):
            paths += [f"/centri/{slug}", f"/ical/centri/{slug}.ics"]
        for slug in db.session.scalars(select(Town.slug).order_by(Town.id).limit(2)):
            paths.append(f"/ical/comuni/{slug}.ics")
    print("\n".join(paths))


if __name__ == "__main__":
    main()
