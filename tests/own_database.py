# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tests that need a database of their own, and Odoo's own processes on it
(odoo-bin server, shell), as an admin runs them."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psycopg2
from psycopg2 import sql

import odoo
from odoo.tests import BaseCase
from odoo.tools import config

ODOO_BIN = Path(odoo.__file__).resolve().parents[1] / "odoo-bin"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnDatabaseCase(BaseCase):
    """A database named after the test class, dropped before and after."""

    def setUp(self):
        super().setUp()
        self.db = f"crm_bulk_import_{type(self).__name__.lower()}_{os.getpid()}"
        self.dropdb()
        self.addCleanup(self.dropdb)

    def connect(self, dbname):
        connection = psycopg2.connect(
            dbname=dbname,
            host=config["db_host"] or None,
            port=config["db_port"] or None,
            user=config["db_user"] or None,
            password=config["db_password"] or None,
        )
        connection.autocommit = True
        return connection

    def dropdb(self):
        connection = self.connect("postgres")
        try:
            with connection.cursor() as cr:
                cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.db)))
        finally:
            connection.close()

    def query(self, sql, params=()):
        connection = self.connect(self.db)
        try:
            with connection.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall()
        finally:
            connection.close()

    def environ(self):
        return None  # the test run's

    def odoo_command(self, command, *args):
        return [sys.executable, str(ODOO_BIN), command, "-c", config.rcfile, "-d", self.db, *args]

    def odoo(self, command, *args, stdin=None, errors_allowed=True):
        """Run odoo-bin on the test's database; its output (stdout and
        stderr), checked for a clean exit and, unless ``errors_allowed``, for
        logged errors."""
        done = subprocess.run(
            self.odoo_command(command, *args),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
            env=self.environ(),
        )
        output = done.stdout + done.stderr
        self.assertEqual(done.returncode, 0, output[-5000:])
        if not errors_allowed:
            errors = [line for line in output.splitlines() if " ERROR " in line or "Traceback" in line]
            self.assertEqual(errors, [], output[-5000:])
        return output

    def start_server(self, *args):
        """``odoo-bin server`` on the test's database with ``args``, on a free
        port, its log in a file; stopped at the end of the test (SIGINT, then
        SIGKILL after 30 s).

        :return: (the process, its port, its log file)"""
        port = free_port()
        log = Path(config["data_dir"]) / f"{self.db}.log"
        self.addCleanup(log.unlink, missing_ok=True)
        server = subprocess.Popen(  # noqa: S603 - odoo-bin with the test's own arguments
            self.odoo_command("server", f"--db-filter=^{self.db}$", f"--http-port={port}", f"--logfile={log}", *args),
            env=self.environ(),
        )

        def stop():
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

        self.addCleanup(stop)
        return server, port, log
