"""Photo intake: orientation, EXIF data kept as data, no metadata in what is stored, and every bad file refused."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from server.media.images import (
    DAMAGED,
    MAX_BYTES,
    NOT_A_PHOTO,
    TOO_LARGE,
    TOO_MANY_PIXELS,
    ImageRejected,
    ingest_image,
)
from server.media.storage import LocalStorage
from tests.fixtures.make_photos import bomb_png, exif_bytes, scene

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "media")


def stored(storage: LocalStorage, key: str) -> Image.Image:
    image = Image.open(BytesIO(storage.get(key)))
    image.load()
    return image


async def test_a_rotated_phone_photo_is_stored_upright(storage: LocalStorage) -> None:
    result = await ingest_image((FIXTURES / "rotated_gps.jpg").read_bytes(), storage=storage)
    photo = stored(storage, result.key)
    assert photo.size == (900, 1200) == (result.width, result.height)  # stored 1200x900 landscape, Orientation=6
    # The red marker was top-left of the stored pixels; turned 90° clockwise it is now top-right.
    red, green, blue = photo.getpixel((photo.width - 20, 20))  # type: ignore[misc]
    assert red > 180
    assert green < 90
    assert blue < 90


async def test_capture_time_and_gps_are_read_from_exif(storage: LocalStorage) -> None:
    result = await ingest_image((FIXTURES / "rotated_gps.jpg").read_bytes(), storage=storage)
    assert result.taken_at == datetime(2026, 3, 14, 9, 30, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert result.latitude == pytest.approx(35.30, abs=1e-5)
    assert result.longitude == pytest.approx(117.80, abs=1e-5)


async def test_southern_and_western_gps_references_give_negative_degrees(storage: LocalStorage) -> None:
    buffer = BytesIO()
    exif = exif_bytes(orientation=1, latitude=-33.8688, longitude=-70.6693, taken=datetime(2025, 1, 2, 3, 4, 5))
    exif.get_ifd(0x8769)[0x9011] = "-03:00"
    scene((400, 300)).save(buffer, "JPEG", exif=exif)
    result = await ingest_image(buffer.getvalue(), storage=storage)
    assert (result.latitude, result.longitude) == (pytest.approx(-33.8688, abs=1e-5), pytest.approx(-70.6693, abs=1e-5))
    assert result.taken_at is not None
    assert result.taken_at.isoformat() == "2025-01-02T03:04:05-03:00"


async def test_a_photo_without_exif_has_no_time_or_place(storage: LocalStorage) -> None:
    result = await ingest_image((FIXTURES / "photo.webp").read_bytes(), storage=storage)
    assert (result.taken_at, result.latitude, result.longitude) == (None, None, None)


async def test_the_stored_photo_and_thumbnail_carry_no_metadata_at_all(storage: LocalStorage) -> None:
    result = await ingest_image((FIXTURES / "rotated_gps.jpg").read_bytes(), storage=storage)
    for key in (result.key, result.thumbnail_key):
        data = storage.get(key)
        image = Image.open(BytesIO(data))
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
        assert b"Exif" not in data
        assert b"secret note" not in data
        assert b"TestPhone" not in data


async def test_the_thumbnail_has_a_320_pixel_long_edge(storage: LocalStorage) -> None:
    result = await ingest_image((FIXTURES / "rotated_gps.jpg").read_bytes(), storage=storage)
    thumbnail = stored(storage, result.thumbnail_key)
    assert thumbnail.size == (240, 320) == (result.thumbnail_width, result.thumbnail_height)


async def test_a_big_photo_is_shrunk_to_a_1600_pixel_long_edge(storage: LocalStorage) -> None:
    buffer = BytesIO()
    scene((4000, 3000)).save(buffer, "JPEG", quality=85)
    result = await ingest_image(buffer.getvalue(), storage=storage)
    assert stored(storage, result.key).size == (1600, 1200)


async def test_a_transparent_png_is_stored_as_a_jpeg_on_white(storage: LocalStorage) -> None:
    result = await ingest_image((FIXTURES / "photo.png").read_bytes(), storage=storage)
    photo = stored(storage, result.key)
    assert (photo.format, photo.mode, photo.size) == ("JPEG", "RGB", (800, 600))
    assert result.content_type == "image/jpeg"
    assert result.key.endswith(".jpg")


@pytest.mark.parametrize(
    ("name", "msgid"),
    [("not_a_photo.jpg", NOT_A_PHOTO), ("truncated.jpg", DAMAGED), ("bomb.png", TOO_MANY_PIXELS)],
)
async def test_a_bad_file_is_refused_with_a_clear_message(storage: LocalStorage, name: str, msgid: str) -> None:
    with pytest.raises(ImageRejected) as refused:
        await ingest_image((FIXTURES / name).read_bytes(), storage=storage)
    assert refused.value.msgid == msgid
    assert refused.value.status_code == 422
    assert not (storage.root).exists()  # nothing half written


@pytest.mark.parametrize(
    "size",
    [(8000, 6000), (10_000, 10_000), (30_000, 30_000)],
    ids=["48MP-over-our-limit", "100MP-pillow-warns", "900MP-pillow-errors"],
)
async def test_a_decompression_bomb_is_refused_before_decoding(storage: LocalStorage, size: tuple[int, int]) -> None:
    with pytest.raises(ImageRejected) as refused:
        await ingest_image(bomb_png(size), storage=storage)
    assert refused.value.msgid == TOO_MANY_PIXELS


async def test_a_file_over_the_byte_limit_is_refused_as_too_large(storage: LocalStorage) -> None:
    with pytest.raises(ImageRejected) as refused:
        await ingest_image(b"\xff\xd8\xff" + bytes(MAX_BYTES), storage=storage)
    assert refused.value.msgid == TOO_LARGE
    assert refused.value.status_code == 413


@pytest.mark.parametrize(
    ("data", "msgid"),
    [
        (b"", NOT_A_PHOTO),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", NOT_A_PHOTO),  # a real format, but not one we accept
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", NOT_A_PHOTO),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, DAMAGED),
    ],
    ids=["empty", "gif", "svg", "png-header-only"],
)
async def test_other_non_photos_are_refused(storage: LocalStorage, data: bytes, msgid: str) -> None:
    with pytest.raises(ImageRejected) as refused:
        await ingest_image(data, storage=storage)
    assert refused.value.msgid == msgid


async def test_the_same_photo_twice_is_stored_once(storage: LocalStorage) -> None:
    data = (FIXTURES / "rotated_gps.jpg").read_bytes()
    first = await ingest_image(data, storage=storage)
    second = await ingest_image(data, storage=storage)
    assert (first.key, first.thumbnail_key) == (second.key, second.thumbnail_key)
    assert len([path for path in storage.root.rglob("*") if path.is_file()]) == 2
