"""Build the demo world through the same use cases the API calls, so it is valid by construction:
deliveries and their intake, imaging, printing and labelling, shipments and arrivals, pupils, a
class hand-out, the three ways to sign, a return, a loss, a theft and a stocktake.

Like the app factory, the demo loader wires the whole application together, so it alone in
``fleet`` calls into ``provisioning`` (the domain's layering otherwise points the other way)."""

from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet import agreements, lifecycle, loans, pupils, resolvers
from fleet.demo import data
from fleet.labelling import PrinterScope, record_prints, save_printer
from fleet.models import Device, School
from provisioning import deliveries, shipments, stocktakes
from provisioning.manifests import ManifestRow

ACTOR = "demo"
WAREHOUSE, SCHOOL_IT = "noliktava", "purvciems-it"  # who does what in the history: the demo users


def _everything(*_args) -> bool:
    return True


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


def deliver(session: Session) -> list[str]:
    """Delivery 1 (RRF contract): 62 on the manifest, 2 never came, 2 came that nobody listed; closed.
    Delivery 2 (state budget): 8 on the manifest, 3 received so far; open. The serials received."""
    first = _manifest(0, 62)
    delivery = deliveries.create_delivery(session, data.CONTRACTS[0]["number"], first, WAREHOUSE)
    received = [r.serial for r in first[:-2]] + ["PF2K00001X", "DL2K00002Y"]  # the last two stay missing
    for serial in received:
        deliveries.receive(session, delivery, serial, WAREHOUSE)
    deliveries.close(session, delivery, WAREHOUSE)
    second = _manifest(100, 8)
    open_one = deliveries.create_delivery(session, data.CONTRACTS[1]["number"], second, WAREHOUSE)
    for row in second[:3]:
        deliveries.receive(session, open_one, row.serial, WAREHOUSE)
    return received


def prepare(session: Session, serials: list[str]) -> list[Device]:
    """Install the operating system image at a warehouse station."""
    devices = [_device(session, s) for s in serials]
    for d in devices:
        lifecycle.apply(session, d, "image", {"image": data.IMAGE, "station": "noliktava-1"}, WAREHOUSE)
    return devices


def print_and_label(session: Session, devices: list[Device], printer) -> None:
    record_prints(session, devices, None, printer.stock, printer, "zpl", WAREHOUSE)
    for d in devices:
        lifecycle.apply(session, d, "label", {}, WAREHOUSE)


def ship(session: Session, school: str, serials: list[str], arrive: bool):
    shipment = shipments.create_shipment(session, school, serials, WAREHOUSE)
    if arrive:
        for serial in serials:
            shipments.arrive(session, shipment, serial, SCHOOL_IT if school == data.PURVCIEMS else ACTOR)
    return shipment


def devices_flow(session: Session) -> dict[str, list[str]]:
    """The warehouse's work: which serials ended where."""
    received = deliver(session)
    printers = [save_printer(session, body, PrinterScope(None)) for body in data.PRINTERS]
    in_warehouse, rest = received[:2] + received[-2:], received[2:-2]  # the two unexpected stay unimaged
    imaged, rest = rest[:4], rest[4:]
    prepare(session, imaged + rest)
    labelled, rest = rest[:4], rest[4:]
    print_and_label(session, [_device(session, s) for s in labelled + rest], printers[0])
    plan = {data.PURVCIEMS: (30, True), data.RIGA64: (8, True), data.GROBINA: (6, False), data.VALMIERA: (6, True)}
    at = {"in_warehouse": in_warehouse, "imaged": imaged, "labelled": labelled}
    for school, (count, arrive) in plan.items():
        at[school], rest = rest[:count], rest[count:]
        ship(session, school, at[school], arrive)
    valmiera = _device(session, at[data.VALMIERA][0])
    lifecycle.apply(session, valmiera, "repair", {"fault": "Salūzis ekrāns / broken screen"}, ACTOR)
    return at


def signature_png(text_width: int = 160) -> bytes:
    """A small drawn signature, as the signing page's canvas sends it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (text_width, 48), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(6, 36), (30, 8), (52, 40), (80, 12), (110, 38), (150, 14)], fill=(20, 30, 90, 255),
                               width=3)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def paper_scan_png() -> bytes:
    """A tiny 'scan' of a signed paper agreement: a grey page with a few lines and a signature."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (210, 297), 245)
    draw = ImageDraw.Draw(image)
    for y in range(30, 220, 12):
        draw.line([(20, y), (190, y)], fill=140)
    draw.line([(120, 260), (140, 245), (160, 262), (185, 248)], fill=20, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def lend(session: Session, serials: list[str], public_url: str) -> dict[str, int]:
    """Class 7.b at Purvciems: 25 pupils, one class hand-out, the agreements in every state, a
    return with the charger missing, a lost and a stolen laptop, a stocktake."""
    school = session.scalar(select(School).where(School.registration_number == data.PURVCIEMS))
    class_ = [pupils.create(session, school, data.pupil_body(n)) for n in range(len(data.PUPILS))]
    pairs = [{"pupil": p.id, "device": serial} for p, serial in zip(class_, serials, strict=False)]
    done, failed, _pdf = loans.class_handout(session, pairs, ["charger", "bag"], SCHOOL_IT, _everything, _everything,
                                             public_url)
    if failed:
        raise RuntimeError(f"demo class hand-out refused: {failed}")
    signature, scan = signature_png(), paper_scan_png()
    methods = ["awaiting"] * 6 + ["link"] * 8 + ["desk"] * 8 + ["paper"] * 3
    for handed, method in zip(done, methods, strict=True):
        guardian = handed.loan.pupil.guardian_name
        if method in ("link", "desk"):  # the guardian's phone, or the desk's tablet, opens the link
            agreement = agreements.by_token(session, handed.sign_url.rsplit("/", 1)[1])
            agreements.sign(session, agreement, method, guardian, image_png=signature)
        elif method == "paper":
            agreements.sign(session, handed.agreement, "paper", guardian, scan=scan)
    returned = done[6].loan  # signed by link; back at the end of the term without its charger
    loans.return_loan(session, returned, {"condition": "worn", "accessories_returned": ["bag"],
                                          "notes": "Lādētājs nav atdots; vecāks apsola atnest"}, SCHOOL_IT, public_url)
    lifecycle.apply(session, _device(session, returned.device.serial), "wipe", {"method": "Windows reset"}, SCHOOL_IT)
    lost = _device(session, done[14].loan.device.serial)
    lifecycle.apply(session, lost, "report_lost", {"notes": "Pazaudēts ekskursijā uz Siguldu"}, SCHOOL_IT)
    stolen = _device(session, done[22].loan.device.serial)
    lifecycle.apply(session, stolen, "report_stolen", {"police_report": "VP-2023-118842",
                                                       "notes": "Nozagts no somas sabiedriskajā transportā"}, SCHOOL_IT)
    stocktake = stocktakes.start(session, data.PURVCIEMS, SCHOOL_IT, _everything)
    for serial in stocktake.expected[1:]:  # one pupil did not bring the laptop: missing
        stocktakes.scan(session, stocktake, serial, SCHOOL_IT, _everything)
    stocktakes.close(session, stocktake, SCHOOL_IT)
    return {"pupils": len(class_), "loans": len(done)}
