"""Photo intake: accept JPEG/PNG/WebP by content, refuse bombs and broken files, keep EXIF time and GPS as data,
store a clean re-encoded photo (no metadata) and a thumbnail. One helper for the whole project: `ingest_image`."""

from __future__ import annotations

import asyncio
import threading
import warnings
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

import imagehash
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from server.i18n import N_
from server.media.exif import capture_time, gps_position
from server.media.storage import Storage
from server.observability.metrics import PHOTO_INTAKE_SECONDS

MAX_BYTES = 15 * 1024 * 1024  # an unshrunk phone photo is 3-12 MB; the phone-side shrink sends ~0.3-0.6 MB
MAX_PIXELS = 40_000_000  # our own limit, well under Pillow's global MAX_IMAGE_PIXELS (~89 MP, only a warning)
PHOTO_EDGE = 1600  # long edge of the stored photo
THUMBNAIL_EDGE = 320
# JPEG, not WebP: every phone, WeChat, print and Excel open it; libjpeg-turbo encodes ~6x faster than libwebp here.
FORMAT, SUFFIX, CONTENT_TYPE = "JPEG", ".jpg", "image/jpeg"
PHOTO_QUALITY = 80
THUMBNAIL_QUALITY = 75
ACCEPTED_FORMATS = ["JPEG", "PNG", "WEBP"]
PHASH_SAME_SCENE = 64  # bits of the 256 that may differ for "the same picture" (a quarter)

NOT_A_PHOTO = N_("This file is not a photo (JPEG, PNG or WebP).")
TOO_LARGE = N_("The photo is too large.")
TOO_MANY_PIXELS = N_("The photo has too many pixels.")
DAMAGED = N_("The photo is damaged and cannot be read.")

SRGB = ImageCms.createProfile("sRGB")
# warnings.catch_warnings swaps process-wide state: serialise our (sub-millisecond) header parses around it.
_OPEN_LOCK = threading.Lock()


class ImageRejected(Exception):
    """A refused upload; `msgid` is the English msgid to translate for the cadre, `status_code` 413 or 422."""

    def __init__(self, msgid: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.status_code = 413 if msgid == TOO_LARGE else 422


@dataclass(frozen=True)
class StoredImage:
    key: str  # the clean photo in the storage
    thumbnail_key: str
    content_type: str
    width: int
    height: int
    byte_size: int
    thumbnail_width: int
    thumbnail_height: int
    taken_at: datetime | None  # EXIF DateTimeOriginal, aware (Asia/Shanghai unless the photo says otherwise)
    latitude: float | None  # EXIF GPS, decimal degrees, WGS-84
    longitude: float | None
    phash: str = ""  # perceptual hash, 64 hex digits (see perceptual_hash)


@dataclass(frozen=True)
class ProcessedImage:
    photo: bytes
    thumbnail: bytes
    size: tuple[int, int]
    thumbnail_size: tuple[int, int]
    taken_at: datetime | None
    position: tuple[float, float] | None
    phash: str = ""


async def ingest_image(data: bytes, *, storage: Storage) -> StoredImage:
    """Check, clean and store one uploaded photo, off the event loop. Raises ImageRejected or StorageUnavailable."""
    return await asyncio.to_thread(_ingest, data, storage)


def _ingest(data: bytes, storage: Storage) -> StoredImage:
    with PHOTO_INTAKE_SECONDS.time():
        done = process_image(data)
        key, thumbnail_key = storage.put(done.photo, SUFFIX), storage.put(done.thumbnail, SUFFIX)
    latitude, longitude = done.position or (None, None)
    return StoredImage(
        key=key,
        thumbnail_key=thumbnail_key,
        content_type=CONTENT_TYPE,
        width=done.size[0],
        height=done.size[1],
        byte_size=len(done.photo),
        thumbnail_width=done.thumbnail_size[0],
        thumbnail_height=done.thumbnail_size[1],
        taken_at=done.taken_at,
        latitude=latitude,
        longitude=longitude,
        phash=done.phash,
    )


def perceptual_hash(image: Image.Image) -> str:
    """imagehash's pHash on a 16×16 DCT (256 bits, 64 hex digits) of the upright picture.

    The same scene re-saved, resized or cropped a few percent stays within PHASH_SAME_SCENE bits of the original;
    distinct scenes lie far apart (figures in README, measured by scripts/photo_reuse_rates.py).
    """
    return str(imagehash.phash(image, hash_size=16))


def open_checked(data: bytes) -> Image.Image:
    """Parse the header only: right format, sane pixel count. Nothing is decoded yet."""
    if len(data) > MAX_BYTES:
        raise ImageRejected(TOO_LARGE)
    try:
        with _OPEN_LOCK, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected(TOO_MANY_PIXELS) from None
    except UnidentifiedImageError:
        raise ImageRejected(DAMAGED if _looks_like_a_photo(data) else NOT_A_PHOTO) from None
    except (OSError, ValueError, SyntaxError, EOFError):  # a known format with a broken header
        raise ImageRejected(DAMAGED) from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise ImageRejected(TOO_MANY_PIXELS)
    return image


def _looks_like_a_photo(data: bytes) -> bool:
    """The signature of an accepted format (so a file Pillow cannot parse is damaged, not something else)."""
    return data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def process_image(data: bytes) -> ProcessedImage:
    """The CPU part of the intake (call it in a worker thread)."""
    image = open_checked(data)
    try:
        exif = image.getexif()
        taken_at, position = capture_time(exif), gps_position(exif)
    except Exception:
        taken_at, position = None, None
    try:
        photo = _upright_and_small(image)
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        raise ImageRejected(DAMAGED) from None
    thumbnail = photo.copy()
    thumbnail.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE), Image.Resampling.LANCZOS)
    return ProcessedImage(
        photo=_encode(photo, PHOTO_QUALITY),
        thumbnail=_encode(thumbnail, THUMBNAIL_QUALITY),
        size=photo.size,
        thumbnail_size=thumbnail.size,
        taken_at=taken_at,
        position=position,
        phash=perceptual_hash(photo),
    )


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _upright_and_small(image: Image.Image) -> Image.Image:
    """Decode (JPEG at a reduced DCT scale when it can), shrink, turn upright, convert to sRGB RGB."""
    target = _fit(image.size, PHOTO_EDGE)
    if image.format == "JPEG":
        image.draft("RGB", target)  # decodes at 1/2, 1/4 or 1/8 scale, never below the target size
    image.load()
    icc = image.info.get("icc_profile")
    small = image if image.size == target else _resize(image, target)
    small = ImageOps.exif_transpose(small)  # reads the orientation the resize copied over in .info
    return _to_srgb(small, icc)


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode.endswith("A") else "RGB")
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB pixels in sRGB, transparency flattened onto white; the profile itself is not kept."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    if icc and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc))
            if ImageCms.getProfileDescription(source).strip().startswith("sRGB"):
                return image if image.mode == "RGB" else image.convert("RGB")
            converted = ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode(image: Image.Image, quality: int) -> bytes:
    """Re-encode with no EXIF, XMP, ICC or comment: a fresh image carries no .info at all."""
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    buffer = BytesIO()
    clean.save(buffer, FORMAT, quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


SIGNATURE_EDGE = 800  # long edge of a stored signature: enough to read a name written with a finger
SIGNATURE_MAX_BYTES = 512 * 1024
NOT_A_SIGNATURE = N_("The signature is not an image. Ask the head of household to sign again.")


@dataclass(frozen=True)
class StoredSignature:
    key: str  # a small grey PNG in the storage
    width: int
    height: int


async def ingest_signature(data: bytes, *, storage: Storage) -> StoredSignature:
    """Check a signature drawn on the phone (a PNG) like any photo, keep it as a small clean grey PNG."""
    return await asyncio.to_thread(_ingest_signature, data, storage)


def _ingest_signature(data: bytes, storage: Storage) -> StoredSignature:
    if len(data) > SIGNATURE_MAX_BYTES:
        raise ImageRejected(NOT_A_SIGNATURE)
    try:
        image = open_checked(data)
    except ImageRejected:
        raise ImageRejected(NOT_A_SIGNATURE) from None
    if image.format != "PNG":
        raise ImageRejected(NOT_A_SIGNATURE)
    try:
        image.load()
        flat = _to_srgb(image, None).convert("L")  # strokes on white: transparency flattened, grey is enough
    except (OSError, ValueError, SyntaxError, EOFError):
        raise ImageRejected(NOT_A_SIGNATURE) from None
    flat.thumbnail((SIGNATURE_EDGE, SIGNATURE_EDGE), Image.Resampling.LANCZOS)
    buffer = BytesIO()
    flat.save(buffer, "PNG", optimize=True)
    return StoredSignature(key=storage.put(buffer.getvalue(), ".png"), width=flat.width, height=flat.height)
