"""Synthetic visit photos for the demo: village scenes drawn with Pillow, each one different (seeded, repeatable).

Sky, hills, fields, houses with their roofs and doors, trees and people, in random colours and places, with
photographic noise and a light blur, so perceptual hashes see what they would see in phone photos of real scenes.
"""

from __future__ import annotations

import random
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter, ImageOps

SIZE = (1024, 768)


def _colour(rng: random.Random, low: int = 40, high: int = 220) -> tuple[int, int, int]:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def _sky_and_ground(rng: random.Random, draw: ImageDraw.ImageDraw, width: int, height: int) -> int:
    horizon = rng.randint(height // 5, height * 3 // 5)
    sky = ImageOps.colorize(Image.linear_gradient("L").resize((width, horizon)), _colour(rng, 90, 240),
                            _colour(rng, 150, 255))  # fmt: skip
    draw._image.paste(sky, (0, 0))
    draw.rectangle((0, horizon, width, height), fill=_colour(rng, 60, 180))
    for _ in range(rng.randint(1, 4)):  # hills
        x = rng.randint(-width // 2, width)
        draw.polygon([(x, horizon + 2), (x + rng.randint(150, 600), horizon - rng.randint(30, 220)),
                      (x + rng.randint(400, 1000), horizon + 2)], fill=_colour(rng, 30, 140))  # fmt: skip
    for _ in range(rng.randint(0, 6)):  # field rows
        y = rng.randint(horizon, height)
        draw.rectangle((0, y, width, y + rng.randint(4, 30)), fill=_colour(rng, 40, 200))
    return horizon


def _house(rng: random.Random, draw: ImageDraw.ImageDraw, width: int, horizon: int, height: int) -> None:
    w, h = rng.randint(120, 420), rng.randint(90, 300)
    x, y = rng.randint(-w // 3, width - w // 2), rng.randint(horizon - h // 2, max(horizon, height - h))
    draw.rectangle((x, y, x + w, y + h), fill=_colour(rng, 120, 240), outline=_colour(rng, 20, 90), width=3)
    draw.polygon([(x - 15, y), (x + w // 2, y - rng.randint(40, 140)), (x + w + 15, y)], fill=_colour(rng, 40, 160))
    dw = rng.randint(30, 70)
    dx = x + rng.randint(10, max(11, w - dw - 10))
    draw.rectangle((dx, y + h - rng.randint(60, h), dx + dw, y + h), fill=_colour(rng, 20, 120))
    for _ in range(rng.randint(0, 3)):
        wx, wy = x + rng.randint(5, max(6, w - 45)), y + rng.randint(10, max(11, h // 2))
        draw.rectangle((wx, wy, wx + 40, wy + 30), fill=_colour(rng, 60, 200))


def _tree_or_person(rng: random.Random, draw: ImageDraw.ImageDraw, width: int, horizon: int, height: int) -> None:
    x, y = rng.randint(0, width), rng.randint(horizon, height)
    if rng.random() < 0.6:
        r = rng.randint(25, 90)
        draw.rectangle((x - 6, y - r, x + 6, y + r // 2), fill=_colour(rng, 40, 100))
        draw.ellipse((x - r, y - 2 * r, x + r, y), fill=_colour(rng, 20, 150))
    else:
        s = rng.randint(40, 140)
        draw.ellipse((x - s // 6, y - s, x + s // 6, y - s * 2 // 3), fill=_colour(rng, 120, 220))
        draw.rectangle((x - s // 4, y - s * 2 // 3, x + s // 4, y), fill=_colour(rng, 20, 220))


def scene(seed: int | str, size: tuple[int, int] = SIZE) -> Image.Image:
    """One village scene, the same for the same seed."""
    rng = random.Random(f"demo-photo-{seed}")  # noqa: S311 -- repeatable pictures, not secrets
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    horizon = _sky_and_ground(rng, draw, width, height)
    for _ in range(rng.randint(1, 4)):
        _house(rng, draw, width, horizon, height)
    for _ in range(rng.randint(2, 9)):
        _tree_or_person(rng, draw, width, horizon, height)
    # Sensor noise (drawn at half size: a quarter of the cost) and a lens's softness.
    noise = Image.effect_noise((width // 2, height // 2), rng.randint(8, 30)).resize(size).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    return image.filter(ImageFilter.SMOOTH if rng.random() < 0.5 else ImageFilter.SMOOTH_MORE)


def jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
