"""The features, wired: each blueprint with its views, notices and commands loaded, in the order
create_app registers them.

A feature's package (`app/<feature>/__init__.py`) defines its blueprint and nothing else, so that
importing one of its modules (its models, say) never loads its pages, which read other features.
Package inits that imported their own views made the import circles that imports hidden inside
functions used to work around; here every view is imported once, at the top."""

# Imported for what they do on import: views, notices' kinds and jobs attach to their blueprint and registries.
import app.admin.routes
import app.agenda.feed_memory
import app.agenda.feeds
import app.agenda.notices
import app.agenda.personal
import app.agenda.routes
import app.agenda.routes_follow
import app.agenda.routes_search
import app.agenda.search
import app.agenda.store
import app.auth.notices
import app.auth.routes
import app.auth.routes_reset
import app.auth.spid.notices
import app.auth.spid.routes
import app.civic_centers.routes_activities
import app.civic_centers.routes_manage
import app.civic_centers.routes_public
import app.conciliation.dashboard
import app.conciliation.notices
import app.conciliation.notices_calls
import app.conciliation.notices_statements
import app.conciliation.routes_alliance
import app.conciliation.routes_calls
import app.conciliation.routes_calls_public
import app.conciliation.routes_catalogue
import app.conciliation.routes_orders
import app.conciliation.routes_providers
import app.conciliation.routes_queue
import app.conciliation.routes_statements
import app.events.embed
import app.events.routes
import app.groups.meeting_rules
import app.groups.notices
import app.groups.routes_actions
import app.groups.routes_groups
import app.groups.routes_meetings
import app.groups.routes_rsvp
import app.groups.routes_rules
import app.home.routes
import app.home.routes_home
import app.labs.notices
import app.labs.routes_manage
import app.labs.routes_public
import app.messages.routes
import app.messages.routes_profile
import app.minutes.notices
import app.minutes.routes_edit
import app.minutes.routes_files
import app.minutes.routes_header
import app.minutes.routes_view
import app.minutes.search
import app.pacts.dashboard
import app.pacts.routes_admin
import app.pacts.routes_document
import app.pacts.routes_figures
import app.pacts.routes_pact
import app.pacts.routes_parts
import app.pacts.routes_public
import app.pacts.routes_status
import app.reports.routes
import app.towns.routes
from app import (
    admin,
    agenda,
    auth,
    civic_centers,
    conciliation,
    events,
    groups,
    home,
    labs,
    messages,
    minutes,
    pacts,
    reports,
    towns,
)

# Messages last: its pages (Posta inviata, preferences) are the least specific.
BLUEPRINTS = (
    home.bp, events.bp, auth.bp, admin.bp, towns.bp, civic_centers.bp, agenda.bp, labs.bp, groups.bp,
    minutes.bp, reports.bp, pacts.bp, conciliation.bp, messages.bp,
)  # fmt: skip
