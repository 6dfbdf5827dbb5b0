"""``/admin``: the administration sections this role may open, each with what it is for."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, render_template, url_for

from fleet.access import policy
from fleet.i18n import Text, _l
from fleet.web.blueprint import bp
from fleet.web.pages import page


@dataclass(frozen=True)
class Section:
    endpoint: str
    title: Text
    about: Text
    permission: str


SECTIONS = (
    Section("web.admin_users", _l("Users and roles"),
            _l("Who may sign in, with which role and for which schools; end a user's sessions."), "accounts:write"),
    Section("web.admin_tokens", _l("API tokens"),
            _l("Tokens for scripts and integrations: create one, see when each was used, revoke."), "accounts:write"),
    Section("web.admin_founders", _l("Founders"), _l("The municipalities that own the schools' laptops."),
            "catalog:write"),
    Section("web.admin_schools", _l("Schools"), _l("Schools by their registration number, under their founder."),
            "catalog:write"),
    Section("web.admin_contracts", _l("Contracts"), _l("Supply contracts: supplier, funding, unit price."),
            "contracts:write"),
    Section("web.admin_printers", _l("Printers"),
            _l("Printer profiles: how far each printer shifts a label sheet, and its default stock."), "labels:print"),
    Section("web.admin_templates", _l("Agreement templates"),
            _l("The loan agreement's text per founder and language: preview a draft, publish a version."),
            "templates:write"),
    Section("web.admin_access_log", _l("Access log"),
            _l("Sign-ins, use of pupils' data and exports: who, when, from where."), "access_log:read"),
    Section("web.admin_outbox", _l("Outbox"), _l("E-mails waiting to be sent, stuck or given up, with their error."),
            "outbox:read"),
    Section("web.admin_verify", _l("History check"),
            _l("The latest check of every device's tamper-evident history (fleet verify)."), "verify:read"),
)


@bp.get("/admin", endpoint="admin")
@page("administration")
def admin_index():
    sections = [(url_for(s.endpoint), s) for s in SECTIONS if policy.allows(g.principal, s.permission)]
    return render_template("admin/index.html", sections=sections)
