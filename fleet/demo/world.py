"""Build the demo world through the same use cases the API calls, so it is valid by construction:
deliveries and their intake, imaging, printing and labelling, shipments and arrivals, pupils, a
class hand-out, the three ways to sign, a return, a loss, a theft and a stocktake — and a class imported
from the school register whose laptops wait at the school for its hand-out.

Like the app factory, the demo loader wires the whole application together, so it alone in
``fleet`` calls into ``provisioning`` (the domain's layering otherwise points the other way)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import lifecycle, resolvers
from fleet.access.policy import Principal, Scope
from fleet.demo import classes, data, programme
from fleet.demo.images import paper_scan_png, signature_png
from fleet.labelling import PrinterScope, record_prints, save_printer
from fleet.lending import agreements, loans, pupils, register_import, returns
from fleet.models import Device, Printer, School, clock
from provisioning import deliveries, shipments, stocktakes
from provisioning.manifests import ManifestRow

ACTOR = "demo"
WAREHOUSE, SCHOOL_IT = "noliktava", "purvciems-it"  # who does what in the history: the demo users


def _as(actor: str) -> Scope:
    """The demo's users see and may do everything; ``actor`` signs the history."""
    return Scope.of(Principal(0, actor, "admin"))


def _serial(n: int) -> tuple[str, str, str]:
    """The ``n``-th laptop's serial (in its maker's style), maker and model."""
    maker, model, prefix = data.MODELS[n % 3]
    return f"{prefix}{'2K' if prefix != '5CG' else '2'}{n * 7919 % 100000:05d}{'ABCDEFGH'[n % 8]}", maker, model


def _manifest(first: int, count: int) -> list[ManifestRow]:
    rows = []
    for i in range(count):
        serial, maker, model = _serial(first + i)
        rows.append(ManifestRow(line=i + 2, serial=serial, manufacturer=maker, model=model, po_line=f"{i % 3 + 1}"))
    return rows


def _device(session: Session, serial: str) -> Device:
    return resolvers.resolve(session, serial, lock=True)


class Calendar:
    """The demo's clock (``fleet.models.clock``): each step of the story happens on its day, in
    working hours, its events a few seconds apart and always in order."""

    def __init__(self) -> None:
        self.moment = datetime(2022, 9, 1, 7, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=7)
        return self.moment

    def on(self, day: str, hour: int = 9) -> None:
        self.moment = max(self.moment, datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC))


def deliver(session: Session, cal: Calendar) -> list[str]:
    """Delivery 1 (RRF contract): 62 on the manifest, 2 never came, 2 came that nobody listed;
    closed. The serials received."""
    cal.on("2022-10-03")
    manifest = _manifest(0, 62)
    delivery = deliveries.create_delivery(session, data.CONTRACTS[0]["number"], manifest, WAREHOUSE)
    received = [r.serial for r in manifest[:-2]] + ["PF2K00001X", "DL2K00002Y"]  # the last two stay missing
    for serial in received:
        deliveries.receive(session, delivery, serial, WAREHOUSE)
    cal.on("2022-10-04", 15)
    deliveries.close(session, delivery, WAREHOUSE)
    return received


def deliver_more(session: Session, cal: Calendar) -> list[str]:
    """Delivery 2 (state budget): 22 on the manifest, 17 received so far; open. The serials received."""
    cal.on("2023-11-20")
    manifest = _manifest(100, 22)
    delivery = deliveries.create_delivery(session, data.CONTRACTS[1]["number"], manifest, WAREHOUSE)
    for row in manifest[:17]:
        deliveries.receive(session, delivery, row.serial, WAREHOUSE)
    return [row.serial for row in manifest[:17]]


def laptops_for_the_new_class(session: Session, cal: Calendar, received: list[str]) -> None:
    """Autumn 2023: 14 laptops of delivery 2 imaged, labelled and sent to Purvciems for class 5.a
    (the rest wait in the warehouse)."""
    cal.on("2023-11-22")
    serials = received[3:]
    devices = [_device(session, s) for s in serials]
    for d in devices:
        lifecycle.apply(session, d, "image", {"image": data.IMAGE, "station": "noliktava-1"}, WAREHOUSE)
    printer = session.scalar(select(Printer).where(Printer.school_id.is_(None)).order_by(Printer.id))
    record_prints(session, devices, None, printer.stock, printer, "zpl", WAREHOUSE)
    for d in devices:
        lifecycle.apply(session, d, "label", {}, WAREHOUSE)
    ship(session, cal, data.PURVCIEMS, serials, "2023-11-28", "2023-11-29")


def waiting_class(session: Session) -> int:
    """Class 5.a at Purvciems, imported today from the school register's export (Windows-1257, Latvian
    group names): its laptops are at the school and nobody has one yet — a class to hand out."""
    school = session.scalar(select(School).where(School.registration_number == data.PURVCIEMS))
    return register_import.import_csv(session, school, classes.waiting_class_csv())["created"]


def ship(session: Session, cal: Calendar, school: str, serials: list[str], shipped: str, arrived: str | None) -> None:
    """A shipment from the warehouse, scanned in at the school on ``arrived`` (None: in transit)."""
    cal.on(shipped)
    shipment = shipments.create_shipment(session, _as(WAREHOUSE), school, serials)
    if arrived:
        cal.on(arrived, 10)
        for serial in serials:
            shipments.arrive(session, _as(SCHOOL_IT if school == data.PURVCIEMS else ACTOR), shipment, serial)


def warehouse(session: Session, cal: Calendar) -> dict[str, list[str]]:
    """Autumn 2022: intake, imaging, the first labels printed and applied, three schools supplied
    (one laptop arrives at Valmiera with a broken screen). Which serials ended where."""
    received = deliver(session, cal)
    cal.on("2022-10-10")
    printers = [save_printer(session, body, PrinterScope(None)) for body in data.PRINTERS]
    at = {"in_warehouse": received[:2] + received[-2:]}  # the two unexpected ones wait for their papers
    rest = received[2:-2]
    for d in (_device(session, s) for s in rest):
        lifecycle.apply(session, d, "image", {"image": data.IMAGE, "station": "noliktava-1"}, WAREHOUSE)
    at["imaged"], rest = rest[:4], rest[4:]
    cal.on("2022-10-12")
    devices = [_device(session, s) for s in rest]
    record_prints(session, devices, None, printers[0].stock, printers[0], "zpl", WAREHOUSE)
    for d in devices:  # stuck on and scanned
        lifecycle.apply(session, d, "label", {}, WAREHOUSE)
    at["labelled"], rest = rest[:4], rest[4:]
    for school, count, shipped, arrived in [(data.PURVCIEMS, 30, "2022-10-17", "2022-10-19"),
                                            (data.RIGA64, 8, "2022-10-20", "2022-10-21"),
                                            (data.VALMIERA, 6, "2022-10-24", "2022-10-26")]:
        at[school], rest = rest[:count], rest[count:]
        ship(session, cal, school, at[school], shipped, arrived)
    lifecycle.apply(session, _device(session, at[data.VALMIERA][0]), "repair",
                    {"fault": "Salūzis ekrāns, pamanīts saņemot / broken screen on arrival"}, ACTOR)
    at[data.GROBINA] = rest
    return at


# The class's hand-outs: (day, how many pupils, how each agreement gets signed), in order. The
# last one is today's (outside the calendar), so its signing links still work.
BATCHES = [("2022-11-08", 8, "link"), ("2022-12-13", 5, "desk"), ("2023-02-14", 3, "desk"),
           ("2023-02-14", 3, "paper"), (None, 6, None)]


def hand_out(session: Session, cal: Calendar | None, serials: list[str], class_: list, day: str | None,
             method: str | None, public_url: str) -> list[loans.Handed]:
    """One class hand-out at the desk; the guardians sign (at the desk on the day, by link two
    days later, on paper within the week) or not yet."""
    if cal:
        cal.on(day, 8)
    pairs = [{"pupil": p.id, "device": serial} for p, serial in zip(class_, serials, strict=True)]
    done, failed, _pdf = loans.class_handout(session, _as(SCHOOL_IT), pairs, ["charger", "bag"], public_url)
    if failed:
        raise RuntimeError(f"demo class hand-out refused: {failed}")
    if method and cal:
        cal.on((date.fromisoformat(day) + timedelta(days={"desk": 0, "link": 2, "paper": 5}[method])).isoformat(), 18)
    for handed in done if method else []:
        guardian = handed.loan.pupil.guardian_name
        if method == "paper":
            agreements.sign(session, handed.agreement, "paper", guardian, scan=paper_scan_png())
        else:  # the guardian's phone, or the desk's tablet, opens the link
            agreement = agreements.by_token(session, handed.sign_url.rsplit("/", 1)[1])
            agreements.sign(session, agreement, method, guardian, image_png=signature_png())
    return done


def lend(session: Session, cal: Calendar, serials: list[str], public_url: str) -> tuple[list, list[str]]:
    """Class 7.b at Purvciems, 2022-2023: pupils, hand-outs signed in each way, a return with the
    charger missing, a lost and a stolen laptop. (the pupils not yet handed a laptop, their serials)"""
    cal.on("2022-11-02")
    school = session.scalar(select(School).where(School.registration_number == data.PURVCIEMS))
    class_ = [pupils.create(session, school, data.pupil_body(n)) for n in range(len(data.PUPILS))]
    done = []
    for day, count, method in BATCHES[:-1]:
        first = len(done)
        done += hand_out(session, cal, serials[first:first + count], class_[first:first + count], day, method,
                         public_url)
    cal.on("2023-04-20")
    lost = _device(session, done[9].loan.device.serial)
    lifecycle.apply(session, lost, "report_lost", {"notes": "Pazaudēts ekskursijā uz Siguldu"}, SCHOOL_IT)
    cal.on("2023-05-31")
    returned = done[6].loan  # back at the end of the school year without its charger
    returns.return_loan(session, returned, {"condition": "worn", "accessories_returned": ["bag"],
                                          "notes": "Lādētājs nav atdots; vecāks apsola atnest"}, SCHOOL_IT)
    lifecycle.apply(session, _device(session, returned.device.serial), "wipe", {"method": "Windows reset"}, SCHOOL_IT)
    cal.on("2023-10-12")
    stolen = _device(session, done[17].loan.device.serial)
    lifecycle.apply(session, stolen, "report_stolen", {"police_report": "VP-2023-118842",
                                                       "notes": "Nozagts no somas sabiedriskajā transportā"}, SCHOOL_IT)
    return class_[len(done):], serials[len(done):]


def stocktake(session: Session, cal: Calendar) -> None:
    """December 2023 at Purvciems: everything counted but one laptop a pupil did not bring."""
    cal.on("2023-12-12")
    count = stocktakes.start(session, _as(SCHOOL_IT), data.PURVCIEMS)
    for serial in count.expected[1:]:
        stocktakes.scan(session, _as(SCHOOL_IT), count, serial)
    stocktakes.close(session, _as(SCHOOL_IT), count)


def story(session: Session, public_url: str) -> dict[str, int]:
    """The whole world in the order it happened (2022-2023 on the calendar, the last hand-out today)."""
    cal = Calendar()
    with clock(cal):
        at = warehouse(session, cal)
        waiting, serials = lend(session, cal, at[data.PURVCIEMS], public_url)
        received = deliver_more(session, cal)
        laptops_for_the_new_class(session, cal, received)
        ship(session, cal, data.GROBINA, at[data.GROBINA], "2023-11-27", None)
        spread = programme.spread(session, cal, _as(ACTOR), public_url)
        stocktake(session, cal)
        session.flush()
    today = hand_out(session, None, serials[:len(waiting)], waiting, None, None, public_url)
    waiting_pupils = waiting_class(session)
    return {"pupils": len(data.PUPILS) + waiting_pupils + spread, "loans": sum(n for _, n, _ in BATCHES) + spread,
            "today": len(today)}
