# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Screenshots for the README, taken in headless Chromium as a user works:
for each import type, the wizard at its mapping step (first rows and the
proposed mapping) with the demo file uploaded, and the import's result; then
the import history, and the portal page of a registered partner.

    make screenshots    # a fresh demo database, Odoo started, this script

    python tools/screenshots.py URL OUTPUT_DIR

Chromium is driven over the DevTools protocol (websocket-client); files are
uploaded through the page's own file input.
"""

# A command-line tool: it reports on the terminal.
# pylint: disable=print-used

import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parents[1]
FILES = ROOT / "demo" / "files"
TYPES = (
    ("assignment", "customer_assignment.csv"),
    ("lead", "lead_registration.xlsx"),
    ("promote", "promote_members.csv"),
    ("member", "membres.csv"),
    ("prospect", "interessenten.csv"),
)
WIDTH, HEIGHT = 1366, 1300


class Browser:
    """One headless Chromium tab, driven over the DevTools protocol."""

    def __init__(self, port=9333):
        self.profile = tempfile.mkdtemp(prefix="crm_bulk_import_shots_")
        self.process = subprocess.Popen(
            [
                shutil.which("chromium") or "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        tabs = self._wait(lambda: json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list")))
        page = next(tab for tab in tabs if tab["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], suppress_origin=True, timeout=60)
        self.next_id = 0
        self.call("Page.enable")
        self.call("DOM.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)

    @staticmethod
    def _wait(probe, timeout=30):
        deadline = time.time() + timeout
        while True:
            try:
                result = probe()
                if result:
                    return result
            except Exception:  # noqa: BLE001 - not ready yet
                if time.time() > deadline:
                    raise
            if time.time() > deadline:
                raise TimeoutError("timed out")
            time.sleep(0.3)

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def go(self, url):
        self.call("Page.navigate", url=url)
        time.sleep(0.5)
        self._wait(lambda: self.evaluate("document.readyState") == "complete")

    def wait_for(self, selector, timeout=60):
        self._wait(lambda: self.evaluate(f"!!document.querySelector({json.dumps(selector)})"), timeout)
        time.sleep(0.8)  # let the page settle (animations, late renders)

    def wait_text(self, text, timeout=60):
        self._wait(lambda: self.evaluate(f"document.body.innerText.includes({json.dumps(text)})"), timeout)
        time.sleep(0.8)

    def click(self, selector):
        self.wait_for(selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def upload(self, selector, path):
        document = self.call("DOM.getDocument", depth=-1, pierce=True)
        node = self.call("DOM.querySelector", nodeId=document["root"]["nodeId"], selector=selector)
        self.call("DOM.setFileInputFiles", files=[str(path)], nodeId=node["nodeId"])

    def screenshot(self, path):
        # Odoo's "page is out of date" notice (the server started after the
        # install) is not part of what a user sees.
        self.evaluate(
            "for (const n of document.querySelectorAll('.o_notification'))"
            " { if (n.textContent.includes('out of date')) n.remove(); }"
        )
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        print(f"  {path.relative_to(ROOT)}")

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def login(browser, url, user, password):
    browser.go(f"{url}/web/session/logout?redirect=/web/login")
    browser.wait_for("input[name=login]")
    browser.evaluate(
        f"document.querySelector('input[name=login]').value = {json.dumps(user)};"
        f"document.querySelector('input[name=password]').value = {json.dumps(password)};"
        "document.querySelector('form.oe_login_form').submit();"
    )
    time.sleep(1)


def import_type(browser, url, out, kind, file_name):
    browser.go(f"{url}/odoo/action-crm_bulk_import.action_crm_bulk_import_wizard_{kind}")
    browser.wait_for(".modal .o_field_widget[name=file] input[type=file]")
    browser.upload(".modal .o_field_widget[name=file] input[type=file]", FILES / file_name)
    browser.wait_for(".modal .o_field_widget[name=file] .o_clear_file_button")
    browser.click(".modal button[name=action_read_file]")
    browser.wait_for(".modal .o_crm_bulk_import_preview")
    browser.screenshot(out / f"{kind}_wizard.png")
    # Remembered for the next file of these headers (the saved mapping shot).
    browser.click(".modal .o_field_widget[name=remember_mapping] input")
    browser.click(".modal button[name=action_import]")
    browser.wait_for(".o_form_view .o_statusbar_status")
    browser.wait_for(".o_form_view .o_field_one2many[name=line_ids] .o_data_row")
    browser.screenshot(out / f"{kind}_result.png")


def revert(browser, out):
    """On the job just imported: a revert dry run, then the revert."""
    browser.click(".o_form_view button[name=action_revert_dry_run]")
    browser.wait_text("Would be reverted")
    browser.screenshot(out / "revert_dry_run.png")
    browser.click(".o_form_view button[name=action_revert]")
    browser.click(".modal .modal-footer button.btn-primary")
    browser.wait_text("This import was reverted")
    browser.screenshot(out / "reverted.png")


def fix_in_place(browser, url, out):
    """A file with mistakes: the rows to fix on the job, a row's Fix dialog."""
    browser.go(f"{url}/odoo/action-crm_bulk_import.action_crm_bulk_import_wizard_assignment")
    browser.wait_for(".modal .o_field_widget[name=file] input[type=file]")
    browser.upload(".modal .o_field_widget[name=file] input[type=file]", FILES / "customer_assignment_mistakes.csv")
    browser.wait_for(".modal .o_field_widget[name=file] .o_clear_file_button")
    browser.click(".modal button[name=action_read_file]")
    browser.wait_for(".modal .o_crm_bulk_import_preview")
    browser.screenshot(out / "saved_mapping.png")
    browser.click(".modal button[name=action_import]")
    browser.wait_for(".o_form_view button[name=action_retry_failed]")
    browser.evaluate(
        "[...document.querySelectorAll('.o_notebook .nav-link')]"
        ".find(a => a.textContent.includes('Rows to fix')).click()"
    )
    browser.wait_for(".o_field_widget[name=error_line_ids] .o_data_row")
    browser.screenshot(out / "fix_rows.png")
    browser.click(".o_field_widget[name=error_line_ids] button[name=action_fix]")
    browser.wait_for(".modal .o_field_widget[name=cell_ids] .o_data_row")
    browser.screenshot(out / "fix_dialog.png")


def main(url, out):
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    browser = Browser()
    try:
        login(browser, url, "admin", "admin")
        for kind, file_name in TYPES:
            import_type(browser, url, out, kind, file_name)
            if kind == "promote":
                revert(browser, out)
        fix_in_place(browser, url, out)
        browser.go(f"{url}/odoo/action-crm_bulk_import.action_crm_bulk_import_job")
        browser.wait_for(".o_list_view .o_data_row")
        browser.screenshot(out / "history.png")
        login(browser, url, "northwind", "northwind")
        browser.go(f"{url}/my/registered-leads/import")
        browser.wait_for("input[name=file]")
        browser.upload("input[name=file]", FILES / "lead_registration_mistakes.csv")
        browser.evaluate("document.querySelector('input[name=file]').form.submit()")
        time.sleep(1)
        browser.wait_for("input[name=file]")
        browser.screenshot(out / "portal_errors.png")
    finally:
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
