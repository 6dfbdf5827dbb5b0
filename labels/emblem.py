"""The EU emblem as vectors: twelve five-pointed gold stars in a circle on a blue rectangle, 3:2.

Geometry from the emblem's graphical description (European Commission, "The European emblem"):
the circle's radius is a third of the height, each star's points lie on a circle of radius
1/18 of the height, one point straight up.
"""

from __future__ import annotations

import math

BLUE = (0.0, 0.2, 0.6)  # Reflex Blue, #003399
GOLD = (1.0, 0.8, 0.0)  # Yellow, #FFCC00


def stars(x: float, y: float, height: float) -> list[list[tuple[float, float]]]:
    """The twelve stars as ten-point polygons, in the emblem's units (y downwards), emblem at (x, y)."""
    cx, cy = x + 0.75 * height, y + 0.5 * height
    ring, outer = height / 3, height / 18
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(126))  # a regular pentagram
    polygons = []
    for k in range(12):
        sx = cx + ring * math.sin(math.radians(30 * k))
        sy = cy - ring * math.cos(math.radians(30 * k))
        polygons.append([(sx + r * math.sin(math.radians(36 * i)), sy - r * math.cos(math.radians(36 * i)))
                         for i, r in enumerate([outer, inner] * 5)])
    return polygons
