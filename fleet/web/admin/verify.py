"""``/admin/verify``: the latest ``fleet verify`` — when, how many device histories it checked, the first
broken event or "intact" — and (admins) running it now (``fleet.history.run_and_record``)."""

from __future__ import annotations

from flask import g, render_template

from fleet import db, history
from fleet.access import policy
from fleet.i18n import _
from fleet.web.admin.forms import done
from fleet.web.blueprint import bp
from fleet.web.pages import page


@bp.get("/admin/verify", endpoint="admin_verify")
@page("verify:read")
def verify_page():
    return render_template("admin/verify.html", run=history.latest_run(db.session()),
                           may_run=policy.allows(g.principal, "verify:run"))


@bp.post("/admin/verify", endpoint="admin_verify_run")
@page("verify:run")
def run_verify():
    run = history.run_and_record(db.session(), g.principal.name)
    if run.reason is None:
        return done(_("Every device history checked is intact (%(n)s).", n=run.checked), "web.admin_verify")
    return done(_("A device history is broken: %(serial)s.", serial=run.broken_serial), "web.admin_verify")
