"""What a photo's EXIF says about when and where it was taken (kept as data; the stored image carries no metadata)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from PIL import Image

from server.clock import TIMEZONE

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATE_TIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
DATE_TIME = 0x0132
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4
# Phones write local time without a zone unless OffsetTimeOriginal is set; our users are in China.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def capture_time(exif: Image.Exif) -> datetime | None:
    """DateTimeOriginal (else DateTime) as an aware datetime; None when missing or implausible."""
    details = exif.get_ifd(EXIF_IFD)
    raw = details.get(DATE_TIME_ORIGINAL) or exif.get(DATE_TIME)
    if not isinstance(raw, str):
        return None
    try:
        taken = datetime.strptime(raw.strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007 (zone below)
    except ValueError:  # "0000:00:00 00:00:00", blanks, odd formats
        return None
    offset = OFFSET.match(str(details.get(OFFSET_TIME_ORIGINAL, "")).strip().rstrip("\x00"))
    if offset:
        sign = -1 if offset[1] == "-" else 1
        zone: timezone | ZoneInfo = timezone(sign * timedelta(hours=int(offset[2]), minutes=int(offset[3])))
    else:
        zone = TIMEZONE
    aware = taken.replace(tzinfo=zone)
    return aware if aware >= EARLIEST else None


def _degrees(value: object) -> float | None:
    """(degrees, minutes, seconds) rationals → decimal degrees; None for anything malformed (e.g. 0 denominators)."""
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    return result if math.isfinite(result) else None


def gps_position(exif: Image.Exif) -> tuple[float, float] | None:
    """(latitude, longitude) in decimal degrees (WGS-84 as the phone's GPS gives it), or None."""
    gps = exif.get_ifd(GPS_IFD)
    latitude, longitude = _degrees(gps.get(GPS_LATITUDE)), _degrees(gps.get(GPS_LONGITUDE))
    if latitude is None or longitude is None:
        return None
    if str(gps.get(GPS_LATITUDE_REF, "N")).strip("\x00 ").upper() == "S":
        latitude = -latitude
    if str(gps.get(GPS_LONGITUDE_REF, "E")).strip("\x00 ").upper() == "W":
        longitude = -longitude
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude == 0 and longitude == 0):
        return None  # out of range, or the 0/0 some phones write without a fix
    return round(latitude, 6), round(longitude, 6)
