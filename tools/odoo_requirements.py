"""Write Odoo's requirements.txt with the pins Odoo gives for Python >= 3.12.

Odoo 18 pins, for Python < 3.12, versions that no longer build on Python 3.11
(cbor2 5.4.2, lxml 4.9, gevent 22). The pins it gives for 3.12 all install from
wheels on 3.11, so every environment marker is evaluated as if on 3.12.
"""

import sys

from pip._vendor.packaging.requirements import InvalidRequirement, Requirement

TARGET = {"python_version": "3.12", "python_full_version": "3.12.0"}


def main(src, dst):
    kept = []
    with open(src, encoding="utf-8") as lines:
        for line in lines:
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if req.marker is None or req.marker.evaluate(TARGET):
                req.marker = None
                kept.append(str(req))
    with open(dst, "w", encoding="utf-8") as out:
        out.write("\n".join(kept) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
