"""Benchmark: agreement PDFs, and a class of 30 handed out end to end.

Method
  1. Agreements alone (the print shop): 30 different agreements (Latvian names, RRF-funded, a
     signing QR code each) rendered one by one with ``labels.documents.agreement_pdf``, and the
     same 30 bundled into one class PDF with ``agreements_pdf``; beside them, the baseline: a bare
     reportlab canvas writing the same text lines on one A4 page per agreement (no layout, no QR
     code, no emblem) — what the document costs over merely putting its words on paper.
  2. A class hand-out end to end, in process through the Flask test client: a fresh SQLite
     database (or ``--pg-url``) migrated, one school, 30 pupils and 30 laptops at the school;
     ``POST /api/v1/loans/class`` with the 30 pairs → 30 loans, 30 ``hand_over`` events, 30 stored
     agreements and the one PDF. Median of ``--rounds`` rounds, each on fresh pupils and laptops.

Run from the repository's root:
``.venv/bin/python -m scripts.bench.loans [--rounds R] [--pg-url postgresql+psycopg://…/db]``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from labels import documents as print_shop
from labels import fonts

CLASS = 30


def sample(start: int) -> list[print_shop.AgreementData]:
    return [print_shop.AgreementData(
        number=f"L-2026-{start + i:06d}", language="lv", date="2026-11-28",
        founder=print_shop.Party("Ķekavas novada pašvaldība", "kods KEK"),
        school=print_shop.Party("Baložu vidusskola", "VIIS 4312903421"),
        guardian=print_shop.Party(f"Jānis Bērziņš {i}"), pupil=print_shop.Party(f"Ērika Ņikitina {i}", "5.b klase"),
        manufacturer="HP", model="ProBook 450 G9", serial=f"5CD{start + i:07d}X", asset_tag=f"DIB-{start + i:06d}-K",
        accessories=("lādētājs", "soma"), condition="jauns", eu_funded=True,
        sign_url=f"https://fleet.izm.gov.lv/sign/{'x' * 30}{start + i:013d}", template_version="default-lv-1")
        for i in range(CLASS)]


def baseline(items: list[print_shop.AgreementData], template: print_shop.Template) -> bytes:
    """The words alone: every paragraph of the template as lines on A4 pages, no layout."""
    regular, _ = fonts.register()
    canvas = Canvas(io.BytesIO(), pagesize=A4, initialFontName=regular)
    for data in items:
        y = 800
        for line in [template.title, data.pupil.name, data.guardian.name, data.serial] + \
                [p[:110] for _, paragraphs in template.sections for p in paragraphs]:
            if y < 60:
                canvas.showPage()
                y = 800
            canvas.setFont(regular, 9)
            canvas.drawString(40, y, line)
            y -= 12
        canvas.showPage()
    return canvas.getpdfdata()


def median_seconds(fn, rounds: int) -> float:
    times = []
    for r in range(rounds):
        start = time.perf_counter()
        fn(r)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def documents(rounds: int) -> dict[str, float]:
    template = print_shop.default_template("lv")
    print_shop.agreement_pdf(sample(900_000)[0], template)  # fonts registered, styles built
    return {
        "one by one": median_seconds(
            lambda r: [print_shop.agreement_pdf(d, template) for d in sample(r * CLASS)], rounds),
        "one class PDF": median_seconds(
            lambda r: print_shop.agreements_pdf([(d, template) for d in sample(r * CLASS)]), rounds),
        "baseline (words only)": median_seconds(lambda r: baseline(sample(r * CLASS), template), rounds),
    }


def handout(rounds: int, pg_url: str | None) -> float:
    from fleet import create_app, db, lifecycle
    from fleet.access.auth import add_user, create_token
    from fleet.config import Config
    from fleet.migrations import upgrade
    from fleet.models import Device, Founder, Pupil, School

    tmp = tempfile.mkdtemp(prefix="fleet-bench-loans-")
    url = pg_url or f"sqlite:///{tmp}/fleet.sqlite3"
    app = create_app(Config(env="test", database_url=url, secret_key="b" * 40, public_url="https://fleet.izm.gov.lv"),
                     instance_path=tmp)
    app.config["FLEET_CHECK_ANSWERS"] = False  # measure the production path, not the tests' answer check
    with app.app_context():
        upgrade(db.engine())
        session = db.session()
        founder = Founder(code=f"B{time.time_ns() % 10**6}", name="Ķekavas novada pašvaldība")
        school = School(registration_number=f"{time.time_ns() % 10**10:010d}", name="Baložu vidusskola",
                        founder=founder)
        session.add_all([founder, school])
        session.flush()
        user = add_user(session, f"bench-it-{time.time_ns()}", "school_it", [school.registration_number])
        _, token = create_token(session, user.name, "bench")
        session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def one_round(r: int) -> None:
        with app.app_context():
            session = db.session()
            devices = lifecycle.register(session, [
                Device(serial=f"BNCH{r:03d}{i:04d}{time.time_ns() % 10**6}", manufacturer="HP", model="ProBook 450 G9")
                for i in range(CLASS)], "bench")
            for device in devices:
                for action, params in (("receive", {}), ("image", {"image": "win11"}), ("label", {}),
                                       ("ship", {"school": school.registration_number}), ("arrive", {})):
                    lifecycle.apply(session, device, action, params, "bench")
            pupils = [Pupil(school_id=school.id, register_id=f"R{r}-{i}-{time.time_ns()}", given_name="Ērika",
                            family_name=f"Ņikitina {i}", grade="5.b", guardian_name="Jānis Bērziņš",
                            eligibility="large_family") for i in range(CLASS)]
            session.add_all(pupils)
            session.commit()
            pairs = [{"pupil": p.id, "device": d.serial} for p, d in zip(pupils, devices, strict=True)]
        start = time.perf_counter()
        response = client.post("/api/v1/loans/class", json={"pairs": pairs, "accessories": ["charger"]},
                               headers=headers)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200 and response.headers["X-Fleet-Loans"] == str(CLASS), response.data[:300]

    times: list[float] = []
    for r in range(rounds):
        one_round(r)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.loans", description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--pg-url", default=None, help="a scratch PostgreSQL database for the hand-out (default: SQLite)")
    args = p.parse_args()
    docs = documents(args.rounds)
    seconds = handout(args.rounds, args.pg_url)
    print(f"\nAgreements for a class of {CLASS}, median of {args.rounds} rounds\n")
    print("| work | seconds for 30 | agreements/s | vs baseline |\n| --- | --- | --- | --- |")
    for name, value in docs.items():
        print(f"| {name} | {value:.3f} | {CLASS / value:,.0f} | {value / docs['baseline (words only)']:.1f}× |")
    print(f"| class hand-out end to end ({'PostgreSQL' if args.pg_url else 'SQLite'}) | {seconds:.3f} | "
          f"{CLASS / seconds:,.0f} | — |")
    print("\n| target | figure | met? |\n| --- | --- | --- |")
    print(f"| a class of 30 agreements in under 1 s | {docs['one class PDF']:.3f} s | "
          f"{'yes' if docs['one class PDF'] < 1 else 'NO'} |")


if __name__ == "__main__":
    main()
