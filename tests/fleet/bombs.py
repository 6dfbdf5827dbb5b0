"""Decompression bombs, built in milliseconds without ever holding what they expand to, and a child
process that sends them to the app over HTTP and reports its own peak memory.

A run of zero bytes deflates to about a thousandth of its size; the bombs here are small files that
declare a huge picture (PNG, JPEG) or a huge object stream (PDF). ``python -m tests.fleet.bombs URL``
builds an app on the database at URL, lends a laptop, sends every bomb (the paper-scan upload and the
public signing page) and prints one JSON line: the answers and the process's peak resident memory
(VmHWM) before and after. VmHWM rather than ``ru_maxrss``: on Linux a child started with fork/vfork
and exec keeps its parent's ``ru_maxrss``, so it would report the test runner's memory.
"""

from __future__ import annotations

import io
import struct
import zlib

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def deflated(prefix: bytes, zeros: int) -> bytes:
    """A zlib stream of `prefix` followed by `zeros` zero bytes: one MiB of zeros is compressed once
    and the piece repeated (a full flush makes each piece independent of what came before)."""
    block = 1 << 20
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [b"\x78\xda", head.compress(prefix), head.flush(zlib.Z_FULL_FLUSH)]
    count, rest = divmod(zeros, block)
    piece = zlib.compressobj(9, zlib.DEFLATED, -15)
    out.append((piece.compress(bytes(block)) + piece.flush(zlib.Z_FULL_FLUSH)) * count)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    out.append(tail.compress(bytes(rest)) + tail.flush())
    adler = zlib.adler32(prefix)
    a, b = adler & 0xFFFF, ((adler >> 16) + zeros * (adler & 0xFFFF)) % 65521  # zeros leave a, add a to b each
    out.append(struct.pack(">I", (b << 16) | a))
    return b"".join(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, colour: int = 2, depth: int = 8) -> bytes:
    """An all-black PNG, valid to the last byte (colour type 2 RGB, 0 grey, 6 RGBA; depth in bits)."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    row = 1 + (width * channels * depth + 7) // 8  # the filter byte, then the pixels
    return (PNG_MAGIC + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
            + _chunk(b"IDAT", deflated(b"", row * height)) + _chunk(b"IEND", b""))


def apng(frames: int, size: int = 8) -> bytes:
    """An animated PNG of `frames` frames."""
    from PIL import Image

    images = [Image.new("RGBA", (size, size), (i % 256, 0, 0, 255)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format="PNG", save_all=True, append_images=images[1:])
    return out.getvalue()


def jpeg(width: int, height: int, mode: str = "L") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, (width, height), 255).save(out, format="JPEG", quality=75)
    return out.getvalue()


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) declares `width` × `height`."""
    data = bytearray(jpeg(16, 16))
    at = data.index(b"\xff\xc0")
    data[at + 5:at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    out = b"%PDF-1.5\n"
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
                    for n in range(1, size))
    return out + b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)


def pdf_pages(count: int) -> bytes:
    """A PDF of `count` pages (the same blank page object, listed `count` times)."""
    return _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                 2: b"<< /Type /Pages /Kids [" + b" 3 0 R" * count + b" ] /Count %d >>" % count,
                 3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"})


def pdf_inflating(mib: int) -> bytes:
    """A one-page PDF whose catalog and page tree sit in an object stream that inflates to `mib` MiB:
    PDFium inflates an object stream whole to read one object from it."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    body, offsets = b"", []
    for obj in objects:
        offsets.append(len(body))
        body += obj + b" "
    index = b" ".join(b"%d %d" % (n + 1, at) for n, at in enumerate(offsets)) + b" "
    stream = deflated(index + body, mib << 20)
    out = b"%PDF-1.5\n"
    at_stream = len(out)
    out += (b"4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
            % (len(index), len(stream)) + stream + b"\nendstream\nendobj\n")
    at_xref = len(out)
    rows = [(0, 0, 65535), (2, 4, 0), (2, 4, 1), (2, 4, 2), (1, at_stream, 0), (1, at_xref, 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    return out + (b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
                  + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % at_xref)


# The bombs of issue 14 and their kin: (name, where it is sent, the bytes).
SCAN_PNG = ("png 13,000 × 13,000 RGB", "scan", lambda: png(13_000, 13_000))
SCAN_1BIT = ("png 13,000 × 13,000 one bit a pixel", "scan", lambda: png(13_000, 13_000, colour=0, depth=1))
SCAN_JPEG = ("jpeg declaring 13,000 × 13,000", "scan", lambda: jpeg_declaring(13_000, 13_000))
SCAN_PDF = ("pdf with an object stream of 1 GiB", "scan", lambda: pdf_inflating(1024))
SIGNATURE_PNG = ("signature png 10,000 × 10,000 RGB", "signature", lambda: png(10_000, 10_000))
BOMBS = [SCAN_PNG, SCAN_1BIT, SCAN_JPEG, SCAN_PDF, SIGNATURE_PNG]


def _peak_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def main(database_url: str) -> None:  # pragma: no cover - runs in the child process
    import base64
    import json
    import re
    import tempfile

    from fleet import create_app
    from fleet.config import Config
    from tests import factories

    instance = tempfile.mkdtemp(prefix="fleet-bombs-")
    app = create_app(Config(env="test", database_url=database_url, secret_key="t" * 40,
                            public_url="https://fleet.example.lv"), instance_path=instance)
    session = app.extensions["fleet.read_sessionmaker"]()
    factories.bind(session)
    school = factories.SchoolFactory()
    school_it = factories.UserFactory(role="school_it", schools=[school])
    headers = {"Authorization": "Bearer " + factories.token_for(school_it)}
    client = app.test_client()
    answers = {}
    built = {name: build() for name, _, build in BOMBS}
    before = _peak_kib()
    for name, where, _ in BOMBS:
        loan = client.post("/api/v1/loans", headers=headers, json={
            "device": factories.DeviceFactory(status="at_school", school=school).serial,
            "pupil": factories.PupilFactory(school=school).id, "accessories": []}).get_json()
        if where == "scan":
            r = client.post(f"/api/v1/loans/{loan['id']}/agreement/paper", headers=headers,
                            content_type="multipart/form-data",
                            data={"signer_name": "Anna Bērziņa", "file": (io.BytesIO(built[name]), "scan")})
        else:
            url = loan["agreement"]["sign_url"].replace("https://fleet.example.lv", "")
            page = client.get(url).get_data(as_text=True)
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            r = client.post(url, data={"csrf_token": csrf, "signer_name": "Anna Bērziņa", "consent": "yes",
                                       "signature": "data:image/png;base64," + base64.b64encode(built[name]).decode()})
        status = client.get(f"/api/v1/loans/{loan['id']}", headers=headers).get_json()["agreement"]["status"]
        answers[name] = {"status_code": r.status_code, "agreement": status, "peak_kib": _peak_kib()}
    print(json.dumps({"before_kib": before, "peak_kib": _peak_kib(), "answers": answers}))
    factories.bind(None)
    session.close()


if __name__ == "__main__":  # pragma: no cover
    import sys

    main(sys.argv[1])
