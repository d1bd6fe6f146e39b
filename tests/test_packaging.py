# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""`pip install .` as an integrator runs it: the wheel odoo-addon-crm_bulk_import,
built by whool, into a new virtualenv where Odoo is importable; Odoo then
installs the module from the wheel, not from this repository."""

import ast
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from odoo.tools import config

from .own_database import ODOO_BIN, OwnDatabaseCase

ROOT = Path(__file__).resolve().parents[1]
ODOO_SRC = ODOO_BIN.parent


class TestPipInstall(OwnDatabaseCase):
    def run_checked(self, command, log=False, **kwargs):
        """The command's output (with its log, on stderr, when ``log``)."""
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, **kwargs)
        self.assertEqual(done.returncode, 0, (done.stdout + done.stderr)[-5000:])
        return done.stdout + done.stderr if log else done.stdout

    def new_virtualenv(self, folder):
        """A virtualenv of its own, Odoo importable through a .pth file, as
        tools/setup.sh does it (Odoo is not on PyPI): Odoo's source and the
        packages Odoo needs, nothing of this module."""
        venv = folder / "venv"
        self.run_checked([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)])
        python = venv / "bin" / "python"
        site = self.run_checked([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
        site = Path(site.strip())
        (site / "odoo_source.pth").write_text(f"{ODOO_SRC}\n{sysconfig.get_paths()['purelib']}\n")
        return python, site

    def test_pip_install_builds_the_wheel_and_odoo_installs_the_module_from_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            python, site = self.new_virtualenv(Path(tmp))
            # The OCA addons it depends on come from the same kind of wheels
            # (already there); `odoo` is no distribution: no dependencies.
            self.run_checked([str(python), "-m", "pip", "install", "--no-deps", str(ROOT)], cwd=tmp)

            shown = self.run_checked([str(python), "-m", "pip", "show", "odoo-addon-crm_bulk_import"])
            manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text())
            self.assertIn(f"Version: {manifest['version']}", shown)
            metadata = self.run_checked(
                [
                    str(python),
                    "-c",
                    "from importlib.metadata import metadata; print('\\n'.join(metadata('odoo-addon-crm_bulk_import')"
                    ".get_all('Requires-Dist')))",
                ]
            ).splitlines()
            for requirement in ("odoo-addon-queue_job==18.0.*", "odoo-addon-subscription_oca==18.0.*", "openpyxl"):
                self.assertIn(requirement, metadata)

            installed = site / "odoo" / "addons" / "crm_bulk_import"
            self.assertTrue((installed / "__manifest__.py").is_file())
            self.assertTrue((installed / "i18n" / "fr.po").is_file())
            self.assertFalse((installed / ".venv").exists())
            self.assertFalse((installed / ".build").exists())
            # Nowhere else on the new virtualenv's path
            self.assertFalse(Path(sysconfig.get_paths()["purelib"], "odoo", "addons", "crm_bulk_import").exists())

            # Odoo, from the new virtualenv, finds the module in the wheel...
            found = self.run_checked(
                [
                    str(python),
                    "-c",
                    "from odoo.modules.module import get_module_path, initialize_sys_path; "
                    "initialize_sys_path(); print(get_module_path('crm_bulk_import'))",
                ]
            ).strip()
            self.assertEqual(Path(found), installed)
            # ... and installs it in a new database, this repository out of
            # its addons path.
            output = self.run_checked(
                [
                    str(python),
                    str(ODOO_BIN),
                    "-d",
                    self.db,
                    f"--addons-path={ODOO_SRC / 'odoo' / 'addons'}",
                    f"--db_host={config['db_host']}",
                    f"--db_port={config['db_port']}",
                    f"--db_user={config['db_user']}",
                    f"--data-dir={tmp}/data",
                    "--without-demo=all",
                    "--max-cron-threads=0",
                    "-i",
                    "crm_bulk_import",
                    "--stop-after-init",
                    "--log-level=info",
                ],
                log=True,
            )
            self.assertIn(str(site / "odoo" / "addons"), output)  # Odoo's "addons paths" line
        state = self.query("SELECT state, latest_version FROM ir_module_module WHERE name = 'crm_bulk_import'")
        self.assertEqual(state, [("installed", manifest["version"])])
        menus = self.query(
            "SELECT count(*) FROM ir_model_data WHERE module = 'crm_bulk_import' AND model = 'ir.ui.menu'"
        )
        self.assertGreater(menus[0][0], 3)
