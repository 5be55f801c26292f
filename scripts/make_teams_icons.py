"""Draw the Teams app icons once: `python scripts/make_teams_icons.py`.

It writes color.png and outline.png into src/teamwell/bot/teams/assets/.

Never imported by Teamwell; kept so anyone can redraw them the same way.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parents[1] / "src" / "teamwell" / "bot" / "teams" / "assets"
ACCENT = (23, 115, 106)  # keep in step with ACCENT_COLOR in package.py
SCALE = 8  # draw large, then shrink: smooth edges without a vector library


def _heart(size: float, cx: float, cy: float, steps: int = 400) -> list[tuple[float, float]]:
    """Points of a heart about `size` wide, centred on (cx, cy)."""
    points = []
    for i in range(steps):
        t = 2 * math.pi * i / steps
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        # The curve spans x -16..16 and y -17..12; shift so the shape sits optically centred.
        points.append((cx + x * size / 32, cy - (y + 2.5) * size / 32))
    return points


def color_icon() -> Image.Image:
    """192x192, full bleed accent background (Teams rounds the corners) and a white heart."""
    big = 192 * SCALE
    img = Image.new("RGB", (big, big), ACCENT)
    # Microsoft asks for the symbol inside the central safe area (about 96 px of 192).
    ImageDraw.Draw(img).polygon(_heart(96 * SCALE, big / 2, big / 2), fill=(255, 255, 255))
    return img.resize((192, 192), Image.Resampling.LANCZOS)


def outline_icon() -> Image.Image:
    """32x32, a white heart outline; every pixel is white, only the alpha varies."""
    big = 32 * SCALE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    points = _heart(28 * SCALE, big / 2, big / 2)
    draw.line([*points, points[0]], fill=255, width=int(2.5 * SCALE), joint="curve")
    alpha = mask.resize((32, 32), Image.Resampling.LANCZOS)
    img = Image.new("RGBA", (32, 32), (255, 255, 255, 0))
    img.putalpha(alpha)
    return img


def main() -> None:
    """Write both icons next to this script."""
    color_icon().save(HERE / "color.png", optimize=True)
    outline_icon().save(HERE / "outline.png", optimize=True)


if __name__ == "__main__":
    main()
