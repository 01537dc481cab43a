"""Distances between where a visit was recorded and where the household lives (evidence, never a gate)."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    phi1, phi2 = radians(lat1), radians(lat2)
    d_phi, d_lambda = phi2 - phi1, radians(lng2 - lng1)
    a = sin(d_phi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(a)))


def format_distance(metres: float | None) -> str:
    """'85 m', '1.2 km', '36 km' (units are the same in Chinese)."""
    if metres is None:
        return ""
    if metres < 1000:
        return f"{round(metres)} m"
    return f"{metres / 1000:.1f} km" if metres < 10_000 else f"{round(metres / 1000)} km"


def visit_distance(
    visit: dict[str, object], first_photo: dict[str, object] | None, home: tuple[float | None, float | None]
) -> float | None:
    """From the recorded place, else the first photo's GPS, to the household (else its village); None if unknown."""
    home_lat, home_lng = home
    if home_lat is None or home_lng is None:
        return None
    for source in (visit, first_photo or {}):
        lat, lng = source.get("latitude"), source.get("longitude")
        if isinstance(lat, float) and isinstance(lng, float):
            return haversine_m(lat, lng, home_lat, home_lng)
    return None
