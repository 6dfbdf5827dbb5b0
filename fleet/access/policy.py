"""Authorisation in one place: what each role may do, and which devices it may see.

Every API endpoint declares the permission it needs (``fleet.http.endpoint``); a test walks the URL
map so that an endpoint without a declared rule fails the suite. Data outside a user's scope is
answered as ``not_found``, never as ``forbidden``, so its existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from fleet import display_names
from fleet.errors import FleetError
from fleet.i18n import _l
from fleet.models import Device, RefusedScan, Shipment, Stocktake

READ = ("catalog:read", "devices:read")

# One set per role, one line per area, so that a new permission is one line in each role that gets
# it. Personal data of pupils (permissions starting with PERSONAL_DATA) never goes to a role in
# NO_PERSONAL_DATA: importing this module fails if it does (and a test says so).
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({
        *READ, "catalog:write", "contracts:write", "devices:write", "devices:act",
        "deliveries:read", "deliveries:write", "imaging:write", "labels:print", "labels:preprint",
        "shipments:read", "shipments:write", "shipments:arrive", "stocktakes",
        "pupils:read", "pupils:write", "loans:write", "agreements:read", "agreements:signed", "templates:write",
        "access_log:read", "outbox:read", "administration",
        "accounts:write", "verify:read", "verify:run",  # the /admin pages' users and tokens, fleet verify
        "reports:read", "evidence:export", "funding:write",  # the programme's reports, evidence packs, other funds
        "connectivity:read", "survey:answer", "connectivity:measure", "connectivity:plan",  # the connectivity survey
    }),
    "warehouse": frozenset({
        *READ, "contracts:write", "devices:write", "devices:act",
        "deliveries:read", "deliveries:write", "imaging:write", "labels:print", "labels:preprint",
        "shipments:read", "shipments:write", "stocktakes",
        "administration",  # /admin: its contracts and printers
    }),
    "school_it": frozenset({  # its own school(s) only
        *READ, "devices:act", "labels:print",
        "shipments:read", "shipments:write", "shipments:arrive", "stocktakes",
        "pupils:read", "pupils:write", "loans:write", "agreements:read", "agreements:signed",
        "administration",  # /admin: its school's printers
        "connectivity:read", "survey:answer", "connectivity:measure",  # its school's survey and speed tests
    }),
    "ministry": frozenset({  # read-only: counts and devices, never pupils
        *READ, "deliveries:read", "shipments:read",
        "reports:read",  # the programme's reports and the dashboard: counts only
        "connectivity:read",  # every school's survey answers and measurements
        "connectivity:plan",  # its one write: the survey's rounds, the plan's budget, prices and thresholds
    }),
    "founder_manager": frozenset({  # read-only, its municipality's schools only, never pupils
        *READ, "shipments:read",
        "reports:read",  # its schools' figures only
        "connectivity:read",  # its schools' survey answers and measurements
        "survey:answer",  # its one write: answers it collected from its schools (the form or an import)
    }),
    "auditor": frozenset({  # read-only, plus signed agreements (see DOCUMENTS) and the access log
        *READ, "deliveries:read", "shipments:read",
        "agreements:signed", "access_log:read",
        "administration", "verify:read",  # /admin: the access log, the latest fleet verify
        "reports:read", "evidence:export",  # the reports, and evidence packs with the signed agreements
        "connectivity:read",
    }),
}

# A loan's documents and the permission each needs. One URL can serve two of them (a loan's
# agreement.pdf is the signed copy once signed, else the original awaiting signature), so the
# handlers ask per document (``require_document``), not only per route. The auditor checks that
# agreements were signed: the signed copy is that evidence (it names the method, the signer, the
# time and the original's SHA-256, and re-renders the original's pages). The original awaiting
# signature, a signed one's original, the paper scan as the school photographed it (whatever else
# lay on the desk) and the return act are the school's working papers: only those who lend read them.
DOCUMENTS: dict[str, str] = {
    "signed_agreement": "agreements:signed",
    "agreement": "agreements:read",  # awaiting signature, or the original of a signed one
    "paper_scan": "agreements:read",
    "return_act": "agreements:read",
}

PERSONAL_DATA = ("pupils:", "loans:", "agreements:")
NO_PERSONAL_DATA = frozenset({"warehouse", "ministry", "founder_manager"})
SCOPED_ROLES = frozenset({"school_it", "founder_manager"})  # see only the devices of their schools


def is_personal(permission: str) -> bool:
    """Whether an endpoint needing ``permission`` reads or writes pupils' personal data (its use is
    recorded in the access log)."""
    return permission.startswith(PERSONAL_DATA)


def _check_no_personal_data() -> None:
    leaks = {role: sorted(filter(is_personal, PERMISSIONS[role])) for role in NO_PERSONAL_DATA}
    if any(leaks.values()):
        raise RuntimeError(
            f"fleet.access.policy: roles that must never see pupils hold personal-data permissions: {leaks}")


_check_no_personal_data()

# The lifecycle actions each role may apply (besides the lifecycle's own rules).
ACTIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({
        "receive", "image", "label", "ship", "arrive", "wipe", "repair", "repaired",
        "report_lost", "report_stolen", "found", "transfer", "write_off", "note",
    }),
    "warehouse": frozenset({
        "receive", "image", "label", "ship", "repair", "repaired", "report_lost",
        "report_stolen", "write_off", "note",
    }),
    "school_it": frozenset({
        "arrive", "wipe", "repair", "repaired", "report_lost", "report_stolen", "found",
        "transfer", "note",
    }),
    "ministry": frozenset(),
    "founder_manager": frozenset(),
    "auditor": frozenset(),
}


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user with a role, and for school_it and founder_manager the schools it may
    see (a founder manager's are its municipalities' schools)."""

    user_id: int
    name: str
    role: str
    school_ids: frozenset[int] = frozenset()

    @property
    def school_scoped(self) -> bool:
        return self.role in SCOPED_ROLES

    @property
    def scope(self) -> Scope:
        """What this principal sees and where it acts (``Scope``)."""
        return Scope(self)


def allows(principal: Principal, permission: str) -> bool:
    return permission in PERMISSIONS.get(principal.role, ())


def _role(principal: Principal):
    """The role as the reader calls it (``display_names``: school IT, skolas IT)."""
    return display_names.text("role", principal.role)


def require(principal: Principal, permission: str) -> None:
    if not allows(principal, permission):
        raise FleetError("forbidden", _l("the %(role)s role may not do this", role=_role(principal)),
                         {"needs": permission})


def require_document(principal: Principal, document: str) -> None:
    """``forbidden`` unless the role may read this kind of loan document (``DOCUMENTS``)."""
    permission = DOCUMENTS[document]
    if not allows(principal, permission):
        raise FleetError("forbidden", _l("the %(role)s role may not read this document (%(document)s)",
                                         role=_role(principal), document=document),
                         {"needs": permission, "document": document})


def require_action(principal: Principal, action: str) -> None:
    if action not in ACTIONS.get(principal.role, ()):
        raise FleetError("forbidden", _l("the %(role)s role may not apply %(action)s",
                                         role=_role(principal), action=action), {"action": action})


def device_filter(principal: Principal) -> ColumnElement[bool]:
    """The devices this principal may see, as a WHERE clause."""
    if not principal.school_scoped:
        return true()
    if not principal.school_ids:
        return false()
    return Device.school_id.in_(sorted(principal.school_ids))


def may_count(principal: Principal, school_id: int | None) -> bool:
    """Who may run a stocktake where: school IT its own schools, the warehouse its warehouse
    (``school_id`` None), admins anywhere."""
    if principal.role == "admin":
        return True
    if principal.role == "warehouse":
        return school_id is None
    return principal.role == "school_it" and school_id in principal.school_ids


def may_send(principal: Principal, action: str, from_school_id: int | None) -> bool:
    """Who may send a shipment from where: the role must apply the sending action (``ship`` from
    the warehouse, ``from_school_id`` None; ``transfer`` from a school), and school IT sends only
    from its own schools."""
    if action not in ACTIONS.get(principal.role, ()):
        return False
    return not principal.school_scoped or from_school_id in principal.school_ids


def sees_shipment(principal: Principal, school_id: int, from_school_id: int | None) -> bool:
    """A shipment and its reconciliation are seen by both sides: the receiving school and, for a
    transfer, the sending one."""
    return not principal.school_scoped or bool({school_id, from_school_id} & principal.school_ids)


def may_receive(principal: Principal, school_id: int) -> bool:
    """Arrivals are scanned at the receiving school (or by an admin), never by the sender."""
    return not principal.school_scoped or school_id in principal.school_ids


def sees_school(principal: Principal, school_id: int | None) -> bool:
    """A school's own data (pupils, loans): school IT of that school, and roles not tied to schools
    that hold the permission asked for."""
    return not principal.school_scoped or school_id in principal.school_ids


def can_see_device(principal: Principal, device: Device) -> bool:
    return not principal.school_scoped or device.school_id in principal.school_ids


@dataclass(frozen=True)
class Scope:
    """What a principal may see and where it may act, beyond the permission an endpoint needs: one
    object the handlers build once (``Scope.of(g.principal)``) and hand to the domain, in place of a
    callback per question. Data outside the scope is answered as ``not_found`` by the domain.

    - ``school_ids``: the schools a scoped role is tied to (school IT its own, a founder manager its
      municipalities'); ``all_schools`` for the roles not tied to schools.
    - ``personal_data``: whether the role may ever see pupils' personal data.
    - ``sees_device``/``sees_school``/``sees_shipment``, ``may_count``/``may_send``/``may_receive``,
      ``scans_at``, and ``device_filter()`` (the devices seen, as a WHERE clause).
    """

    principal: Principal

    @classmethod
    def of(cls, principal: Principal) -> Scope:
        return cls(principal)

    @property
    def actor(self) -> str:
        return self.principal.name

    @property
    def role(self) -> str:
        return self.principal.role

    @property
    def school_ids(self) -> frozenset[int]:
        return self.principal.school_ids

    @property
    def all_schools(self) -> bool:
        return not self.principal.school_scoped

    @property
    def personal_data(self) -> bool:
        return self.principal.role not in NO_PERSONAL_DATA

    def allows(self, permission: str) -> bool:
        return allows(self.principal, permission)

    def sees_device(self, device: Device) -> bool:
        return can_see_device(self.principal, device)

    def sees_school(self, school_id: int | None) -> bool:
        return sees_school(self.principal, school_id)

    def sees_shipment(self, shipment: Shipment) -> bool:
        return sees_shipment(self.principal, shipment.school_id, shipment.from_school_id)

    def may_count(self, school_id: int | None) -> bool:
        return may_count(self.principal, school_id)

    def may_send(self, action: str, from_school_id: int | None) -> bool:
        return may_send(self.principal, action, from_school_id)

    def may_receive(self, school_id: int) -> bool:
        return may_receive(self.principal, school_id)

    def may_apply(self, action: str) -> bool:
        return action in ACTIONS.get(self.principal.role, ())

    def scans_at(self, place: str, school_id: int | None = None) -> bool:
        return scans_at(self.principal, place, school_id)

    def device_filter(self) -> ColumnElement[bool]:
        return device_filter(self.principal)

    def visible_schools(self) -> set[int] | None:
        """The schools seen, or None for every school (a list's filter)."""
        return None if self.all_schools else set(self.principal.school_ids)


# Where scans are taken, and the permission a scan there needs (besides the place's own rule).
SCAN_PLACES: dict[str, str] = {"delivery": "deliveries:write", "shipment": "shipments:arrive",
                               "stocktake": "stocktakes"}


def scans_at(principal: Principal, place: str, school_id: int | None = None) -> bool:
    """Who scans at a place, and so sees the scans refused there: intake at a delivery (the
    warehouse), arrivals at the receiving school (``school_id``), a stocktake where the principal
    may count. A refusal at a place where the scanner may not scan is not kept."""
    if not allows(principal, SCAN_PLACES[place]):
        return False
    if place == "shipment":
        return may_receive(principal, school_id)
    if place == "stocktake":
        return may_count(principal, school_id)
    return True


def refused_scans_filter(principal: Principal) -> ColumnElement[bool]:
    """The refused scans this principal may list, as a WHERE clause: those at the places where it
    scans (``scans_at``), and its own at ``/scan`` (which has no place); an admin all."""
    if principal.role == "admin":
        return true()
    r = RefusedScan
    seen = [and_(r.delivery_id.is_(None), r.shipment_id.is_(None), r.stocktake_id.is_(None), r.actor == principal.name)]
    schools = sorted(principal.school_ids)
    if allows(principal, SCAN_PLACES["delivery"]):
        seen.append(r.delivery_id.is_not(None))
    if allows(principal, SCAN_PLACES["shipment"]):
        shipments = select(Shipment.id)
        if principal.school_scoped:
            shipments = shipments.where(Shipment.school_id.in_(schools))
        seen.append(r.shipment_id.in_(shipments))
    if allows(principal, SCAN_PLACES["stocktake"]) and principal.role in ("warehouse", "school_it"):  # as may_count
        counted = Stocktake.school_id.is_(None) if principal.role == "warehouse" else Stocktake.school_id.in_(schools)
        seen.append(r.stocktake_id.in_(select(Stocktake.id).where(counted)))
    return or_(*seen)
