# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Draw static/description/icon.png: rows of a sheet flowing into CRM.

.venv/bin/python tools/make_icon.py
"""

# A command-line tool: it reports on the terminal.
# pylint: disable=print-used

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
BACKGROUND = (113, 75, 103)  # Odoo's CRM purple
WHITE = (255, 255, 255)
LIGHT = (232, 220, 229)


def main():
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, SIZE - 1, SIZE - 1), radius=48, fill=BACKGROUND)
    # A sheet: four rows, the first one a header.
    left, top, width, height, gap = 44, 52, 112, 26, 12
    for index in range(4):
        y = top + index * (height + gap)
        draw.rounded_rectangle((left, y, left + width, y + height), radius=6, fill=WHITE if index else LIGHT)
        draw.line((left + 36, y + 4, left + 36, y + height - 4), fill=BACKGROUND, width=3)
    # An arrow carrying the rows in.
    draw.polygon([(172, 96), (172, 160), (212, 128)], fill=WHITE)
    draw.rectangle((160, 116, 174, 140), fill=WHITE)
    target = Path(__file__).resolve().parents[1] / "static" / "description" / "icon.png"
    image.resize((128, 128), Image.LANCZOS).save(target, optimize=True)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
