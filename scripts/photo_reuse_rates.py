"""How well "photos used twice" works: false positives among distinct photos, detection of the same picture sent
again. Real images through Pillow and the app's own intake (server.media.images.process_image), no mocks.

    .venv/bin/python scripts/photo_reuse_rates.py [--distinct 300]

(a) the demo's photos: the 30 pictures `bangfu demo` stores and the 3 it sends again for another household;
(b) a set of distinct village scenes made here, each also re-saved, resized and cropped as a phone would.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from io import BytesIO

from PIL import Image

from server.demo.photos import jpeg, scene
from server.demo.supervision import PHOTO_VISITS, picture
from server.media.images import PHASH_SAME_SCENE, process_image


def phash_of(data: bytes) -> int:
    return int(process_image(data).phash, 16)


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def false_pairs(hashes: list[int]) -> tuple[int, int, int]:
    """(pairs flagged, pairs, smallest distance) among pictures that are all different."""
    distances = [distance(a, b) for a, b in itertools.combinations(hashes, 2)]
    return sum(d <= PHASH_SAME_SCENE for d in distances), len(distances), min(distances)


def _saved(image: Image.Image, quality: int) -> bytes:
    buffer = BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _crop(percent: int, sides: str = "all") -> Callable[[Image.Image], bytes]:
    def crop(image: Image.Image) -> bytes:
        w, h = image.size
        dx, dy = w * percent // 100, h * percent // 100
        box = (dx, dy, w - dx, h - dy) if sides == "all" else (dx, 0, w, h)
        return _saved(image.crop(box), 85)

    return crop


VARIANTS: dict[str, Callable[[Image.Image], bytes]] = {
    "re-saved at JPEG quality 55": lambda image: _saved(image, 55),
    "resized to half": lambda image: _saved(image.resize((image.width // 2, image.height // 2)), 85),
    "resized to a quarter": lambda image: _saved(image.resize((image.width // 4, image.height // 4)), 85),
    "cropped 3% on each side": _crop(3),
    "cropped 5% on one side": _crop(5, "one"),
    "cropped 5% on each side": _crop(5),
    "cropped 8% on each side": _crop(8),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distinct", type=int, default=300)
    count = parser.parse_args().distinct
    print(f"threshold: {PHASH_SAME_SCENE} of 256 bits")
    demo = [phash_of(picture(f"demo-{n}")) for n in range(PHOTO_VISITS)]
    flagged, pairs, closest = false_pairs(demo)
    again = [distance(phash_of(picture(f"demo-{n}", "again")), demo[n]) for n in range(3)]
    print(f"(a) demo photos: {flagged} of {pairs} distinct pairs flagged (closest {closest} bits);"
          f" the 3 sent again: {sum(d <= PHASH_SAME_SCENE for d in again)} of 3 flagged ({again} bits)")  # fmt: skip
    images = [scene(f"distinct-{n}") for n in range(count)]
    originals = [phash_of(jpeg(image)) for image in images]
    flagged, pairs, closest = false_pairs(originals)
    print(f"(b) {count} distinct photos: {flagged} of {pairs} pairs flagged ({100 * flagged / pairs:.4f}%,"
          f" closest {closest} bits)")  # fmt: skip
    sample = images[:100]
    for name, make in VARIANTS.items():
        found = sum(distance(phash_of(make(image)), originals[n]) <= PHASH_SAME_SCENE for n, image in enumerate(sample))
        print(f"    {name}: {found} of {len(sample)} found ({found}%)")


if __name__ == "__main__":
    main()
