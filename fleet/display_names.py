"""Display names, in one place, for the codes people see: device statuses, lifecycle actions, roles,
eligibility groups, conditions (at hand-over and at return), accessories, how a loan ended, agreement
states and signing methods, why a label was printed, contracts' funding sources, and why a request or
scan was refused — Latvian and English (the catalogs).

- In a page: ``name("status", device.status)`` (the request's language), or ``names("status")`` for a
  select's choices. Templates have ``display_name(kind, code)``.
- For the print shop (``labels/``, which knows no Flask) and for e-mail: ``name(kind, code, "lv")``
  gives a plain string in the given language.
- A code without a display name shows as itself (a status added later, a group a migration added).
"""

from __future__ import annotations

from fleet.i18n import Text, _lp

STATUS = {
    "expected": _lp("device status", "expected"),
    "in_warehouse": _lp("device status", "in the warehouse"),
    "imaged": _lp("device status", "imaged"),
    "labelled": _lp("device status", "labelled"),
    "in_transit": _lp("device status", "in transit"),
    "at_school": _lp("device status", "at school"),
    "on_loan": _lp("device status", "on loan"),
    "in_repair": _lp("device status", "in repair"),
    "lost": _lp("device status", "lost"),
    "stolen": _lp("device status", "stolen"),
    "written_off": _lp("device status", "written off"),
}

ACTION = {
    "register": _lp("action", "register"),
    "receive": _lp("action", "receive"),
    "image": _lp("action", "install the image"),
    "label": _lp("action", "label"),
    "ship": _lp("action", "ship"),
    "arrive": _lp("action", "arrive"),
    "hand_over": _lp("action", "hand over"),
    "return": _lp("action", "return"),
    "wipe": _lp("action", "wipe"),
    "repair": _lp("action", "send to repair"),
    "repaired": _lp("action", "back from repair"),
    "report_lost": _lp("action", "report lost"),
    "report_stolen": _lp("action", "report stolen"),
    "found": _lp("action", "found"),
    "transfer": _lp("action", "transfer to another school"),
    "write_off": _lp("action", "write off"),
    "audited": _lp("action", "counted in a stocktake"),
    "label_printed": _lp("action", "label printed"),
    "tag_bound": _lp("action", "pre-printed label bound"),
    "image_failed": _lp("action", "imaging failed"),
    "note": _lp("action", "note"),
    "bind": _lp("action", "bind a pre-printed label"),
}

ROLE = {
    "admin": _lp("role", "administrator"),
    "warehouse": _lp("role", "warehouse"),
    "school_it": _lp("role", "school IT"),
    "ministry": _lp("role", "ministry"),
    "founder_manager": _lp("role", "school founder's manager"),
    "auditor": _lp("role", "auditor"),
}

ELIGIBILITY = {  # the groups migration 0008 seeds (the table keeps its own two names too)
    "low_income": _lp("eligibility group", "Low-income family"),
    "limited_means": _lp("eligibility group", "Family of limited means"),
    "large_family": _lp("eligibility group", "Large family"),
    "disability": _lp("eligibility group", "Child with a disability"),
    "out_of_family_care": _lp("eligibility group", "Child in out-of-family care (foster family, guardianship)"),
    "special_needs": _lp("eligibility group", "Special educational needs"),
    "refugee": _lp("eligibility group", "Refugee or alternative status, civilian of Ukraine"),
    "other": _lp("eligibility group", "Other (with the reason)"),
}

CONDITION = {
    "new": _lp("condition", "new"),
    "good": _lp("condition", "good"),
    "worn": _lp("condition", "worn"),
}

RETURN_CONDITION = {  # as a returned laptop is found (damaged: it goes to repair)
    "good": _lp("condition", "good"),
    "worn": _lp("condition", "worn"),
    "damaged": _lp("condition", "damaged"),
}

ACCESSORY = {
    "charger": _lp("accessory", "charger"),
    "bag": _lp("accessory", "bag"),
    "mouse": _lp("accessory", "mouse"),
    "headphones": _lp("accessory", "headphones"),
    "stylus": _lp("accessory", "stylus"),
    "case": _lp("accessory", "case"),
}

LOAN_STATUS = {  # how a loan stands or ended: the return reasons
    "active": _lp("loan status", "on loan"),
    "returned": _lp("loan status", "returned"),
    "lost": _lp("loan status", "lost"),
    "stolen": _lp("loan status", "stolen"),
    "replaced": _lp("loan status", "replaced"),
}

AGREEMENT_STATUS = {
    "awaiting_signature": _lp("agreement status", "awaiting signature"),
    "signed": _lp("agreement status", "signed"),
    "void": _lp("agreement status", "void"),
}

SIGNING_METHOD = {
    "link": _lp("signing method", "signed by link"),
    "desk": _lp("signing method", "signed at the school"),
    "paper": _lp("signing method", "signed on paper"),
}

PRINT_REASON = {
    "first_print": _lp("print reason", "first print"),
    "damaged": _lp("print reason", "label damaged"),
    "replacement": _lp("print reason", "replacement"),
    "lost": _lp("print reason", "label lost"),
}

FUNDING = {  # a contract's funding source
    "rrf": _lp("funding", "Recovery Fund"),
    "state_budget": _lp("funding", "State budget"),
    "react_eu": _lp("funding", "REACT-EU"),
    "municipal": _lp("funding", "Municipality"),
}

REFUSAL = {  # the error codes, as a refused scan or request shows them
    "invalid_input": _lp("refusal", "invalid input"),
    "unauthorized": _lp("refusal", "not signed in"),
    "forbidden": _lp("refusal", "not allowed"),
    "not_found": _lp("refusal", "not found"),
    "method_not_allowed": _lp("refusal", "method not allowed"),
    "duplicate": _lp("refusal", "already exists"),
    "invalid_transition": _lp("refusal", "not possible in this status"),
    "conflict": _lp("refusal", "conflict"),
    "too_large": _lp("refusal", "too large"),
    "throttled": _lp("refusal", "too many attempts"),
    "unavailable": _lp("refusal", "unavailable"),
}

THING = {  # what a not_found refusal names
    "device": _lp("thing", "device"),
    "school": _lp("thing", "school"),
    "founder": _lp("thing", "founder"),
    "contract": _lp("thing", "contract"),
    "pupil": _lp("thing", "pupil"),
    "loan": _lp("thing", "loan"),
    "delivery": _lp("thing", "delivery"),
    "shipment": _lp("thing", "shipment"),
    "stocktake": _lp("thing", "stocktake"),
    "printer": _lp("thing", "printer"),
    "user": _lp("thing", "user"),
}

KINDS: dict[str, dict[str, Text]] = {
    "status": STATUS, "action": ACTION, "role": ROLE, "eligibility": ELIGIBILITY, "condition": CONDITION,
    "return_condition": RETURN_CONDITION, "accessory": ACCESSORY, "loan_status": LOAN_STATUS,
    "agreement_status": AGREEMENT_STATUS,
    "signing_method": SIGNING_METHOD, "print_reason": PRINT_REASON, "funding": FUNDING, "refusal": REFUSAL,
    "thing": THING,
}


def text(kind: str, code: str) -> Text | str:
    """The display name as a ``Text`` (translated when shown), or the code itself when it has none."""
    return KINDS[kind].get(code, code)


def name(kind: str, code: str, locale: str | None = None) -> str:
    """The display name of ``code`` in ``locale`` (default: the request's language) as a plain string."""
    found = KINDS[kind].get(code)
    if found is None:
        return code
    return found.in_(locale) if locale else str(found)


def names(kind: str, locale: str | None = None) -> dict[str, str]:
    """Every code of ``kind`` with its display name, in the table's order."""
    return {code: name(kind, code, locale) for code in KINDS[kind]}
