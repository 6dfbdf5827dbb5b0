"""Fleet: every laptop of a school-laptop programme, by serial number, from delivery to pupil."""

from fleet.app import create_app

__all__ = ["create_app"]
