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
  3. The class hand-out at the desk page (``/desk/handout``), the same class of 30 as the page makes
     it, with a school IT person's browser session (CSRF token and all): the class page opened; 30
     scan checks (``POST /desk/handout/check``, serials and asset tags mixed, each with the pairs
     so far, as handout.js sends them); the commit (``POST /desk/handout``: the 30 pairs, the class's
     charger, the result page); the sitting's PDF (``GET /desk/handout/agreements.pdf?loans=…``,
     one copy, then two). Beside it, in the same rounds (order alternating), the baseline: today's
     API, ``POST /api/v1/loans/class`` with the 30 pairs, answered with the PDF. Target: the commit
     and the PDF together under 1 s.

Run from the repository's root:
``.venv/bin/python -m scripts.bench.loans [--rounds R] [--pg | --pg-url postgresql+psycopg://…/db]``
(``--pg``: a scratch database on the local PostgreSQL server, ``--pg-server``, dropped at the end).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

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


DESK_STEPS = ("class page opened (30 pupils)", "30 scan checks", "commit (POST /desk/handout)",
              "the PDF, 1 copy each", "the PDF, 2 copies each")


def desk(rounds: int, url: str) -> dict[str, float]:
    """The desk page's class hand-out step by step (median seconds of each), and the API's baseline."""
    from fleet import create_app, db, lifecycle
    from fleet.access import sessions
    from fleet.access.auth import add_user, create_token
    from fleet.config import Config
    from fleet.migrations import upgrade
    from fleet.models import Device, Founder, Pupil, School

    tmp = tempfile.mkdtemp(prefix="fleet-bench-desk-")
    app = create_app(Config(env="test", database_url=url, secret_key="d" * 40, public_url="https://fleet.izm.gov.lv"),
                     instance_path=tmp)
    app.config["FLEET_CHECK_ANSWERS"] = False
    stamp = time.time_ns()
    with app.app_context():
        upgrade(db.engine())
        session = db.session()
        founder = Founder(code=f"D{stamp % 10**6}", name="Ķekavas novada pašvaldība")
        school = School(registration_number=f"{stamp % 10**10:010d}", name="Baložu vidusskola", founder=founder)
        session.add_all([founder, school])
        session.flush()
        reg = school.registration_number
        user = add_user(session, f"bench-desk-{stamp}", "school_it", [reg])
        _, token = create_token(session, user.name, "bench")
        sid = sessions.start(session, user, app.config["FLEET"])
        session.commit()
    browser = app.test_client()
    with browser.session_transaction() as s:
        s["sid"], s["csrf"] = sid, "bench-csrf-token"
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def a_class(tag: str):
        with app.app_context():
            session = db.session()
            school_row = session.scalar(select(School).where(School.registration_number == reg))
            devices = lifecycle.register(session, [
                Device(serial=f"D{tag.upper()}{i:04d}{time.time_ns() % 10**6}", manufacturer="HP",
                       model="ProBook 450 G9") for i in range(CLASS)], "bench")
            for device in devices:
                for action, params in (("receive", {}), ("image", {"image": "win11"}), ("label", {}),
                                       ("ship", {"school": reg}), ("arrive", {})):
                    lifecycle.apply(session, device, action, params, "bench")
            grade = f"7.{tag}"
            pupils = [Pupil(school_id=school_row.id, register_id=f"{tag}-{i}-{time.time_ns()}", given_name="Ērika",
                            family_name=f"Ņikitina {i:02d}", grade=grade, guardian_name="Jānis Bērziņš",
                            eligibility="large_family") for i in range(CLASS)]
            session.add_all(pupils)
            session.commit()
            return grade, [p.id for p in pupils], [(d.serial, d.asset_tag or d.serial) for d in devices]

    def timed(fn):
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result

    def desk_round(r: int) -> list[float]:
        grade, pupil_ids, devices = a_class(f"d{r + 1}")
        page, answer = timed(lambda: browser.get("/desk/handout", query_string={"school": reg, "class": grade}))
        assert answer.status_code == 200, answer.data[:300]
        paired: list[str] = []

        def scans():
            for i, (serial, tag) in enumerate(devices):
                answer = browser.post("/desk/handout/check", data={
                    "csrf_token": "bench-csrf-token", "school": reg, "code": tag if i % 2 else serial,
                    "pupil": str(pupil_ids[i]), "paired": list(paired)})
                assert answer.status_code == 200, answer.data[:300]
                paired.append(serial)

        checks, _ = timed(scans)
        form = {"csrf_token": "bench-csrf-token", "school": reg, "class": grade, "pupil": [str(p) for p in pupil_ids],
                "device": paired, "accessories": ["charger"], "language": "lv"}
        commit, answer = timed(lambda: browser.post("/desk/handout", data=form))
        body = answer.get_data(as_text=True)
        assert answer.status_code == 200 and '<span class="big">30</span>' in body, body[:300]
        link = body.split('id="print" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        once, pdf = timed(lambda: browser.get(link))
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
        twice, pdf = timed(lambda: browser.get(link.replace("copies=1", "copies=2")))
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
        return [page, checks, commit, once, twice]

    def api_round(r: int) -> float:
        _, pupil_ids, devices = a_class(f"a{r + 1}")
        pairs = [{"pupil": p, "device": serial} for p, (serial, _) in zip(pupil_ids, devices, strict=True)]
        seconds, answer = timed(lambda: api.post("/api/v1/loans/class", json={"pairs": pairs,
                                                                              "accessories": ["charger"]},
                                                 headers=headers))
        assert answer.status_code == 200 and answer.headers["X-Fleet-Loans"] == str(CLASS), answer.data[:300]
        return seconds

    desk_times, api_times = [], []
    desk_round(-1)  # warm-up: templates compiled, fonts registered
    api_round(-1)
    for r in range(rounds):
        if r % 2:
            api_times.append(api_round(r))
            desk_times.append(desk_round(r))
        else:
            desk_times.append(desk_round(r))
            api_times.append(api_round(r))
    result = {step: statistics.median(t[i] for t in desk_times) for i, step in enumerate(DESK_STEPS)}
    result["commit + PDF"] = statistics.median(t[2] + t[3] for t in desk_times)
    result["first scan to the PDF"] = statistics.median(t[1] + t[2] + t[3] for t in desk_times)
    result["baseline"] = statistics.median(api_times)
    return result


def desk_report(figures: dict[str, float], rounds: int, database: str) -> list[str]:
    base = figures["baseline"]
    lines = [f"\nThe class hand-out at the desk page, a class of {CLASS} on {database}, median of {rounds} rounds\n",
             "| step | seconds | per pupil (ms) | vs baseline |", "| --- | --- | --- | --- |"]
    for step in (*DESK_STEPS, "commit + PDF", "first scan to the PDF"):
        value = figures[step]
        versus = f"{value / base:.2f}×" if step in ("commit + PDF", "first scan to the PDF") else "—"
        lines.append(f"| {step} | {value:.3f} | {1000 * value / CLASS:.1f} | {versus} |")
    lines.append(f"| baseline: POST /api/v1/loans/class (30 pairs, the PDF in the answer) | {base:.3f} | "
                 f"{1000 * base / CLASS:.1f} | 1.00× |")
    met = figures["commit + PDF"] < 1
    lines += ["", "| target | figure | met? |", "| --- | --- | --- |",
              f"| the commit and the PDF under 1 s | {figures['commit + PDF']:.3f} s | {'yes' if met else 'NO'} |"]
    return lines


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.loans", description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--pg-url", default=None, help="a scratch PostgreSQL database for the hand-out (default: SQLite)")
    p.add_argument("--pg", action="store_true", help="a new scratch database on --pg-server (dropped at the end)")
    p.add_argument("--pg-server", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                   help="PostgreSQL server URL, without a database name (with --pg)")
    args = p.parse_args()
    if args.pg and not args.pg_url:
        from scripts.bench.harness import scratch_database

        with scratch_database(args.pg_server.rstrip("/"), f"fleet_bench_loans_{os.getpid()}") as url:
            run(args, url)
    else:
        run(args, args.pg_url)


def run(args, pg_url: str | None) -> None:
    args.pg_url = pg_url
    docs = documents(args.rounds)
    seconds = handout(args.rounds, args.pg_url)
    database = "PostgreSQL" if args.pg_url else "SQLite"
    figures = desk(args.rounds, args.pg_url or f"sqlite:///{tempfile.mkdtemp(prefix='fleet-bench-desk-')}/f.sqlite3")
    print(f"\nAgreements for a class of {CLASS}, median of {args.rounds} rounds\n")
    print("| work | seconds for 30 | agreements/s | vs baseline |\n| --- | --- | --- | --- |")
    for name, value in docs.items():
        print(f"| {name} | {value:.3f} | {CLASS / value:,.0f} | {value / docs['baseline (words only)']:.1f}× |")
    print(f"| class hand-out end to end ({'PostgreSQL' if args.pg_url else 'SQLite'}) | {seconds:.3f} | "
          f"{CLASS / seconds:,.0f} | — |")
    print("\n| target | figure | met? |\n| --- | --- | --- |")
    print(f"| a class of 30 agreements in under 1 s | {docs['one class PDF']:.3f} s | "
          f"{'yes' if docs['one class PDF'] < 1 else 'NO'} |")
    print("\n".join(desk_report(figures, args.rounds, database)))


if __name__ == "__main__":
    main()
