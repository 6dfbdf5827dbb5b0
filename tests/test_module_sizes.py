"""Every module of fleet, provisioning and labels is short enough to read in one sitting: at most
``MAX_LINES`` lines (issue 15 aims at ~400; a module that outgrows it is split by what it is about,
as fleet/models/, fleet/lifecycle/ and labels/documents/ were)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("fleet", "provisioning", "labels")
MAX_LINES = 450


def _sizes(root: Path) -> dict[str, int]:
    """Lines of every ``.py`` file under the packages in ``root``, by path relative to it."""
    return {path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
            for package in PACKAGES if (root / package).is_dir() for path in sorted((root / package).rglob("*.py"))}


def _too_long(root: Path) -> dict[str, int]:
    return {path: lines for path, lines in _sizes(root).items() if lines > MAX_LINES}


def test_no_module_is_longer_than_one_sitting():
    sizes = _sizes(ROOT)
    assert len(sizes) > 100 and {"fleet/app.py", "provisioning/deliveries.py", "labels/pdf.py"} <= set(sizes)
    assert _too_long(ROOT) == {}


def test_a_module_one_line_too_long_is_named(tmp_path):
    (tmp_path / "fleet" / "area").mkdir(parents=True)
    (tmp_path / "labels").mkdir()
    (tmp_path / "fleet" / "area" / "long.py").write_text("x = 1\n" * MAX_LINES + "x = 1", encoding="utf-8")
    (tmp_path / "labels" / "fits.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    (tmp_path / "elsewhere.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")  # outside the packages
    assert _too_long(tmp_path) == {"fleet/area/long.py": MAX_LINES + 1}
