# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The module's page in the Apps menu is built from readme/ and kept up to
date (python tools/gen_readme.py writes it)."""

import subprocess
import sys
import unittest
from pathlib import Path

ROOT = Path(__file__).parents[1]


class TestDescription(unittest.TestCase):
    def test_index_html_is_built_from_the_readme_fragments(self):
        check = subprocess.run(
            [sys.executable, str(ROOT / "tools" / "gen_readme.py"), "--check"],
            check=False,
            capture_output=True,
            text=True,
        )
        self.assertEqual(check.returncode, 0, check.stderr)
        page = (ROOT / "static" / "description" / "index.html").read_text()
        for fragment in ("Five import types", "<h2>Configuration</h2>", "<h2>Usage</h2>", "Known issues / Roadmap"):
            self.assertIn(fragment, page)
        self.assertTrue((ROOT / "static" / "description" / "icon.png").stat().st_size > 1000)
