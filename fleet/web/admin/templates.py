"""``/admin/templates``: the loan agreement's text per founder and language (``fleet.lending.agreements``):
the versions so far (the newest of each founder and language is the one used), a draft typed as plain
text, its preview (the agreement PDF with made-up people, nothing saved) and publishing it as a version.

The draft's plain text: the title on the first line; then sections, each a heading line followed by its
paragraphs (a line each), with a blank line between sections. Placeholders are names in braces, e.g.
``{school}`` (the print shop's list, ``labels.documents.agreement_template.PLACEHOLDERS``)."""

from __future__ import annotations

from flask import Response, g, render_template, request
from sqlalchemy import select

from fleet import catalog, db
from fleet.errors import FleetError, invalid
from fleet.http.files import disposition
from fleet.i18n import _, _l
from fleet.lending import agreements
from fleet.models import AgreementTemplate, Founder
from fleet.web.admin.forms import done, refused, text
from fleet.web.blueprint import bp
from fleet.web.pages import page
from labels.documents.agreement_template import PLACEHOLDERS, template_to_json

LANGUAGES = {"lv": _l("Latvian"), "en": _l("English")}


def as_text(body: dict) -> str:
    """A template's JSON as the draft's plain text."""
    blocks = [body["title"]] + ["\n".join([s["heading"], *s["paragraphs"]]) for s in body["sections"]]
    return "\n\n".join(blocks)


def from_text(version: str, language: str, draft: str) -> dict:
    """The draft's plain text as a template's JSON (the domain checks the rest)."""
    blocks = [[line.strip() for line in block.strip().splitlines() if line.strip()]
              for block in draft.replace("\r\n", "\n").split("\n\n")]
    blocks = [b for b in blocks if b]
    if len(blocks) < 2 or len(blocks[0]) != 1:
        raise invalid(_l("write the title on the first line, a blank line, then the sections"), {"field": "text"})
    sections = [{"heading": b[0], "paragraphs": b[1:]} for b in blocks[1:]]
    return {"version": version, "language": language, "title": blocks[0][0], "sections": sections}


def _context(form: dict) -> dict:
    session = db.session()
    rows = session.execute(select(AgreementTemplate, Founder).join(Founder, AgreementTemplate.founder_id == Founder.id)
                           .order_by(Founder.name, AgreementTemplate.language, AgreementTemplate.id.desc())).all()
    used, versions = set(), []
    for row, founder in rows:
        versions.append((row, founder, (founder.id, row.language) not in used))
        used.add((founder.id, row.language))
    founders = [(f.code, f"{f.name} ({f.code})") for f in session.scalars(select(Founder).order_by(Founder.name))]
    return {"versions": versions, "founders": founders, "languages": [(k, str(v)) for k, v in LANGUAGES.items()],
            "placeholders": sorted(PLACEHOLDERS), "form": form}


@bp.get("/admin/templates", endpoint="admin_templates")
@page("templates:write")
def templates_page():
    """With ``?founder=CODE&language=lv`` the draft starts from the text that founder uses now."""
    form = {"founder": text(request.args, "founder"), "language": text(request.args, "language") or "lv"}
    if form["founder"] and form["language"] in LANGUAGES:
        founder = catalog.get_by(db.session(), Founder.code, form["founder"], "founder")
        body = template_to_json(agreements.template_for(db.session(), founder, form["language"]))
        form["text"] = as_text(body)
    return render_template("admin/templates.html", **_context(form))


def _draft():
    form = {k: text(request.form, k) for k in ("founder", "language", "version")}
    form["text"] = (request.form.get("text") or "").strip()
    return form


@bp.post("/admin/templates/preview", endpoint="admin_template_preview")
@page("templates:write")
def preview_template():
    form = _draft()
    try:
        founder = catalog.get_by(db.session(), Founder.code, form["founder"], "founder")
        pdf = agreements.preview(founder, from_text(form["version"] or "draft", form["language"], form["text"]))
    except FleetError as e:
        return refused(e, "admin/templates.html", **_context(form))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = disposition("agreement-preview.pdf")
    return response


@bp.post("/admin/templates", endpoint="admin_template_publish")
@page("templates:write")
def publish_template():
    form = _draft()
    try:
        founder = catalog.get_by(db.session(), Founder.code, form["founder"], "founder")
        row = agreements.save_template(db.session(), founder, from_text(form["version"], form["language"],
                                                                        form["text"]), g.principal.name)
    except FleetError as e:
        return refused(e, "admin/templates.html", **_context(form))
    return done(_("Version %(version)s published for %(founder)s.", version=row.version, founder=founder.name),
                "web.admin_templates")
