"""The imaging-station agent: run on a freshly imaged laptop, it reads the machine's own serial
and hardware and reports the run to Fleet. Standard library only, so it runs from a USB stick.

    python -m provisioning.agent --url https://fleet.example --image "Win11 Edu 23H2" --station st-1
    (the token from --token or FLEET_AGENT_TOKEN)

Linux: /sys/class/dmi/id/* and /sys/class/net/*/address. Windows: PowerShell
``Get-CimInstance Win32_BIOS`` / ``Win32_ComputerSystem`` and the network adapters. A report
that cannot be delivered after the retries waits in a queue file (JSON lines) and is sent first
on the next run; every report carries a nonce, so a report delivered twice counts once.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

DEFAULT_QUEUE = Path.home() / ".fleet-agent-queue.jsonl"
PLACEHOLDER_SERIALS = {
    "", "0", "NONE", "DEFAULT STRING", "TO BE FILLED BY O.E.M.", "SYSTEM SERIAL NUMBER", "0123456789",
}


DMI, NET = Path("/sys/class/dmi/id"), Path("/sys/class/net")


def read_linux(dmi: Path = DMI, net: Path = NET) -> dict:
    def field(name: str) -> str:
        try:
            return (dmi / name).read_text(errors="replace").strip()
        except OSError:
            return ""

    vendor = field("sys_vendor")
    # Lenovo keeps the machine type in product_name and the model's name in product_version.
    model = field("product_version") if vendor.upper().startswith("LENOVO") else field("product_name")
    macs = []
    for iface in sorted(net.glob("*")) if net.is_dir() else []:
        if iface.name == "lo" or not (iface / "device").exists():  # physical adapters only
            continue
        try:
            mac = (iface / "address").read_text().strip().upper()
        except OSError:
            continue
        if mac and mac != "00:00:00:00:00:00":
            macs.append(mac)
    return {"serial": field("product_serial"), "manufacturer": vendor, "model": model or field("product_name"),
            "macs": macs}


def read_windows() -> dict:
    script = (
        "$b = Get-CimInstance Win32_BIOS; $c = Get-CimInstance Win32_ComputerSystem; "
        "$n = Get-CimInstance Win32_NetworkAdapter -Filter 'PhysicalAdapter=True' | "
        "Where-Object MACAddress | Select-Object -ExpandProperty MACAddress; "
        "@{serial=$b.SerialNumber; manufacturer=$c.Manufacturer; model=$c.Model; macs=@($n)} | ConvertTo-Json"
    )
    out = subprocess.run(["powershell", "-NoProfile", "-Command", script], capture_output=True, text=True, timeout=60)
    data = json.loads(out.stdout or "{}")
    return {"serial": (data.get("serial") or "").strip(), "manufacturer": (data.get("manufacturer") or "").strip(),
            "model": (data.get("model") or "").strip(), "macs": [m.replace("-", ":") for m in data.get("macs") or []]}


def machine(dmi: Path | None = None, net: Path | None = None) -> dict:
    if os.name == "nt" and dmi is None:
        return read_windows()
    return read_linux(dmi or DMI, net or NET)


def build_report(hw: dict, image: str, station: str, result: str, error: str = "") -> dict:
    if hw["serial"].upper() in PLACEHOLDER_SERIALS:
        raise SystemExit(f"this machine reports no usable serial number ({hw['serial']!r}); enter it in Fleet by hand")
    return {"serial": hw["serial"], "image": image, "station": station, "result": result, "error": error,
            "hardware": {"manufacturer": hw["manufacturer"], "model": hw["model"], "macs": hw["macs"]},
            "nonce": f"agent-{uuid.uuid4()}"}


def post(url: str, token: str, report: dict, timeout: float = 10) -> tuple[int, dict]:
    request = urllib.request.Request(
        url.rstrip("/") + "/api/v1/imaging", data=json.dumps(report).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def deliver(url: str, token: str, report: dict, attempts: int, delay: float, sleep=time.sleep) -> tuple[str, dict]:
    """("sent" | "refused" | "unreachable", answer). Retries only what may pass later."""
    for attempt in range(attempts):
        try:
            status, answer = post(url, token, report)
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            status, answer = 0, {"error": {"message": str(e)}}
        if status == 200:
            return "sent", answer
        if status and status < 500 and status != 429:
            return "refused", answer  # a bad report stays bad: do not queue it
        if attempt + 1 < attempts:
            sleep(delay * 2**attempt)
    return "unreachable", answer


def flush_queue(queue: Path, url: str, token: str, attempts: int, delay: float, sleep=time.sleep) -> list[str]:
    """Send what waits in the queue, oldest first; keep what is still unreachable."""
    if not queue.exists():
        return []
    lines = [ln for ln in queue.read_text().splitlines() if ln.strip()]
    results, keep = [], []
    for n, line in enumerate(lines):
        if keep:  # the service went away again: keep the rest in order
            keep.append(line)
            continue
        outcome, answer = deliver(url, token, json.loads(line), attempts, delay, sleep)
        results.append(outcome)
        if outcome == "unreachable":
            keep.append(line)
        elif outcome == "refused":
            print(f"queued report {n + 1} refused: {answer.get('error', {}).get('message')}", file=sys.stderr)
    if keep:
        queue.write_text("\n".join(keep) + "\n")
    else:
        queue.unlink()
    return results


def main(argv: list[str] | None = None, sleep=time.sleep) -> int:
    p = argparse.ArgumentParser(description="Report this laptop's imaging run to Fleet.")
    p.add_argument("--url", required=True, help="Fleet's address, e.g. https://fleet.example")
    p.add_argument("--token", default=os.environ.get("FLEET_AGENT_TOKEN"), help="or FLEET_AGENT_TOKEN")
    p.add_argument("--image", required=True, help="the image installed, e.g. 'Win11 Edu 23H2 / DIB v3'")
    p.add_argument("--station", required=True)
    p.add_argument("--result", choices=("success", "failure"), default="success")
    p.add_argument("--error", default="", help="what went wrong, with --result failure")
    p.add_argument("--queue", type=Path, default=DEFAULT_QUEUE, help="where undelivered reports wait")
    p.add_argument("--attempts", type=int, default=5)
    p.add_argument("--delay", type=float, default=1.0, help="first retry delay in seconds (doubles)")
    p.add_argument("--dmi", type=Path, help="read DMI from here instead of /sys/class/dmi/id")
    p.add_argument("--net", type=Path, help="read network adapters from here instead of /sys/class/net")
    args = p.parse_args(argv)
    if not args.token:
        p.error("a token is required (--token or FLEET_AGENT_TOKEN)")

    flush_queue(args.queue, args.url, args.token, args.attempts, args.delay, sleep)
    report = build_report(machine(args.dmi, args.net), args.image, args.station, args.result, args.error)
    outcome, answer = deliver(args.url, args.token, report, args.attempts, args.delay, sleep)
    if outcome == "sent":
        device = answer.get("device") or {}
        status, tag = device.get("status", "recorded"), device.get("asset_tag") or ""
        print(f"reported {report['serial']}: {status} {tag}".rstrip())
        for m in (answer.get("run") or {}).get("mismatches", []):
            print(f"  hardware differs from the manifest: {m['field']}: {m['reported']} (manifest: {m['manifest']})")
        return 0
    if outcome == "refused":
        print(f"Fleet refused the report: {answer.get('error', {}).get('message')}", file=sys.stderr)
        return 2
    with args.queue.open("a") as f:
        f.write(json.dumps(report) + "\n")
    print(f"Fleet is unreachable; the report waits in {args.queue} and is sent on the next run", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main())
