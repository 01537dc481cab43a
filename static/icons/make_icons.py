"""make_icons.py: draw Bangfu's app icons (a white heart on WeChat green) with Pillow; no fonts needed.

Run from anywhere:  .venv/bin/python static/icons/make_icons.py
Writes, next to this file:
  icon-192.png, icon-512.png      purpose "any": green rounded square, transparent corners
  maskable-512.png                purpose "maskable": full-bleed green, heart inside the central 80% safe zone
  apple-touch-icon-180.png        full-bleed, opaque (iOS rounds the corners itself)
  favicon.svg                     the same mark as a tiny vector
Shapes are drawn 4x larger and downscaled for smooth edges.
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
GREEN = (7, 193, 96, 255)  # #07c160
WHITE = (255, 255, 255, 255)
SS = 4  # supersampling factor


def heart(draw: ImageDraw.ImageDraw, size: float, width_frac: float) -> None:
    """A heart = a square turned 45 degrees + two circles on its upper edges, centred in a size x size box."""
    # side of the square; the heart's total width is s * 1.707
    s = size * width_frac / (1 + 1 / math.sqrt(2))
    d = s / math.sqrt(2)  # half diagonal
    # shifted down a little so the bounding box is centred
    cx, cy = size / 2, size / 2 + 0.0732 * s
    draw.polygon([(cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy)], fill=WHITE)
    r = s / 2
    for ox in (-d / 2, d / 2):
        x, y = cx + ox, cy - d / 2
        draw.ellipse([x - r, y - r, x + r, y + r], fill=WHITE)


def icon(px: int, *, full_bleed: bool, width_frac: float) -> Image.Image:
    big = px * SS
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if full_bleed:
        draw.rectangle([0, 0, big, big], fill=GREEN)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.22, fill=GREEN)
    heart(draw, big, width_frac)
    return img.resize((px, px), Image.LANCZOS)


def favicon_svg(width_frac: float = 0.6) -> str:
    size = 100
    s = size * width_frac / (1 + 1 / math.sqrt(2))
    d, r = s / math.sqrt(2), s / 2
    cx, cy = size / 2, size / 2 + 0.0732 * s
    f = lambda v: f"{v:.1f}"
    # bottom tip -> left corner, arc over the left lobe to the top, arc over the right lobe, back to the tip
    path = (
        f"M{f(cx)} {f(cy + d)}L{f(cx - d)} {f(cy)}A{f(r)} {f(r)} 0 0 1 {f(cx)} {f(cy - d)}"
        f"A{f(r)} {f(r)} 0 0 1 {f(cx + d)} {f(cy)}Z"
    )
    return (
        "<!-- favicon.svg: Bangfu mark, white heart on WeChat green (made by make_icons.py) -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        '<rect width="100" height="100" rx="22" fill="#07c160"/>'
        f'<path d="{path}" fill="#fff"/></svg>\n'
    )


def main() -> None:
    icon(192, full_bleed=False, width_frac=0.6).save(
        HERE / "icon-192.png", optimize=True
    )
    icon(512, full_bleed=False, width_frac=0.6).save(
        HERE / "icon-512.png", optimize=True
    )
    icon(512, full_bleed=True, width_frac=0.5).save(
        HERE / "maskable-512.png", optimize=True
    )
    icon(180, full_bleed=True, width_frac=0.6).convert("RGB").save(
        HERE / "apple-touch-icon-180.png", optimize=True
    )
    (HERE / "favicon.svg").write_text(favicon_svg(), encoding="utf-8")


if __name__ == "__main__":
    main()
