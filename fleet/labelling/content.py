"""What a device's label says: the URL in its QR code, the words and marks on it, the label stock
it is printed on and the output format; the print shop (``labels``) draws what this decides."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import labels
from fleet.errors import invalid
from fleet.models import Device

PROGRAMME = "Dators ikvienam bērnam"
FORMATS = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml", "zpl": "application/zpl"}


def label_url(public_url: str, tag: str) -> str:
    """The URL a label's QR code holds. Upper-cased when the public URL has no path of its own (scheme
    and host ignore case, and the service answers /D/ too): then the QR code can use its alphanumeric
    mode and a smaller symbol."""
    base = public_url.rstrip("/")
    if urlsplit(base).path in ("", "/"):
        return f"{base}/D/{tag}".upper()
    return f"{base}/d/{tag}"


def label_data(device: Device, public_url: str) -> labels.LabelData:
    school = device.school
    return labels.LabelData(
        asset_tag=device.asset_tag or "",
        serial=device.serial,
        qr_text=label_url(public_url, device.asset_tag or ""),
        manufacturer=device.manufacturer,
        model=device.model,
        owner=school.founder.name if school is not None else "",
        programme=PROGRAMME,
        eu_funded=device.contract is not None and device.contract.funding_source == "rrf",
    )


def stock(stock_id: Any) -> labels.Stock:
    found = labels.STOCKS.get(stock_id) if isinstance(stock_id, str) else None
    if found is None:
        raise invalid(f"unknown label stock {stock_id!r}", [{"field": "stock", "known": sorted(labels.STOCKS)}])
    return found


def output_format(value: Any, allowed: tuple[str, ...] = tuple(FORMATS)) -> str:
    if value not in allowed:
        raise invalid(f"format must be one of {', '.join(allowed)}", [{"field": "format"}])
    return value


def skip(value: Any, on: labels.Stock) -> int:
    if value is None:
        return 0
    top = on.per_page - 1 if on.kind == "sheet" else 0
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
        raise invalid(f"skip must be a whole number 0-{top} on {on.name}", [{"field": "skip"}])
    return value
