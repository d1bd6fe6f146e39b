# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Build static/description/index.html (the module's page in the Apps menu)
from the OCA readme fragments in readme/.

    python tools/gen_readme.py          # write it
    python tools/gen_readme.py --check  # exit 1 if it is not up to date

The fragments use a small part of Markdown: paragraphs, bullet and numbered
lists (with indented continuation lines), **bold**, *emphasis*, `code` and
[links](url). Plain Python, no dependency.
"""

# A command-line tool: it reports on the terminal.
# pylint: disable=print-used

import ast
import html
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = (
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("CONTRIBUTORS.md", "Contributors"),
)
INLINE = (
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"\*([^*]+)\*"), r"<em>\1</em>"),
    (re.compile(r"\[([^\]]+)\]\(([^)]+)\)"), r'<a href="\2">\1</a>'),
)
ITEM = re.compile(r"^(-|\d+\.) (.*)$")


def inline(text):
    text = html.escape(text, quote=False)
    for pattern, replacement in INLINE:
        text = pattern.sub(replacement, text)
    return text


def blocks(markdown):
    """Paragraphs and lists: [("p", text) | ("ul"/"ol", [item text])]."""
    out = []
    for chunk in re.split(r"\n\s*\n", markdown.strip()):
        lines = chunk.splitlines()
        first = ITEM.match(lines[0])
        if not first:
            out.append(("p", " ".join(line.strip() for line in lines)))
            continue
        items = []
        for line in lines:
            match = ITEM.match(line)
            if match:
                items.append(match.group(2).strip())
            else:
                items[-1] += " " + line.strip()
        out.append(("ul" if first.group(1) == "-" else "ol", items))
    return out


def to_html(markdown):
    parts = []
    for kind, content in blocks(markdown):
        if kind == "p":
            parts.append(f"<p>{inline(content)}</p>")
        else:
            parts.append(f"<{kind}>" + "".join(f"<li>{inline(item)}</li>" for item in content) + f"</{kind}>")
    return "\n".join(parts)


def page():
    manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text().split("\n", 1)[1])
    body = [f"<h1>{html.escape(manifest['name'])}</h1>", f"<p><em>{html.escape(manifest['summary'])}</em></p>"]
    for file_name, title in SECTIONS:
        path = ROOT / "readme" / file_name
        if not path.exists():
            continue
        if title:
            body.append(f"<h2>{title}</h2>")
        body.append(to_html(path.read_text()))
    body.append(
        f"<h2>Maintainers</h2><p>{html.escape(manifest['author'])}. License {html.escape(manifest['license'])}.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{html.escape(manifest['name'])}</title>\n</head>\n"
        '<body>\n<div class="document">\n' + "\n".join(body) + "\n</div>\n</body>\n</html>\n"
    )


def main():
    target = ROOT / "static" / "description" / "index.html"
    content = page()
    if "--check" in sys.argv:
        if not target.exists() or target.read_text() != content:
            print(f"{target} is not up to date: run python tools/gen_readme.py", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
