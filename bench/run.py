# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The benchmark: one database, this module and Odoo's base_import side by
side on the same rows. See bench/README.md for how to read the results.

    python bench/run.py --conf .build/odoo.conf --odoo-bin ~/.cache/odoo/18.0/odoo-bin

Each measurement runs in its own process (bench/worker.py) so that its peak
memory is its own; every run is checked in the database afterwards (count
and sampled values) and a wrong import fails the benchmark. The job-worker
measurements start a production server of their own (prefork, queue_job's
runner) for each import."""

# A command-line tool: it reports on the terminal.
# pylint: disable=print-used

import argparse
import configparser
import datetime
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from worker import server_children  # noqa: E402

# The performance targets
LEAD_RATIO_TARGET = 10.0
DRY_RUN_RATE_TARGET = 20000
DRY_RUN_MEMORY_TARGET = 300
LINEAR_TARGET = 11.0  # time from 10k to 100k rows
MEMBER_RATE_TARGET = 1000  # rows/s of a member import and of a promotion, at 10,000 rows
WORKERS_SPEEDUP_TARGET = 1.5  # 2 job workers over 1
ASYNC_RATIO_TARGET = 10.0  # this module over OCA base_import_async, same workers
MEMBER_DRY_RUN_MEMORY_TARGET = 300  # MB over the idle process

# OCA's background import, installed for the benchmark only (into the
# virtualenv and the benchmark's database): its wheel declares a dependency on
# an `odoo` distribution, which Odoo's source tree is not, hence --no-deps.
BASE_IMPORT_ASYNC = "odoo-addon-base_import_async>=18.0,<18.1"
SERVER_START_TIMEOUT = 300  # seconds
# The parts of a run, in their order (--only).
PARTS = ("lead", "dry_run", "workers", "async", "members", "growth", "member_dry_run")


class BenchFailed(Exception):
    pass


def sh(*args, **kwargs):
    print("$", " ".join(str(arg) for arg in args), flush=True)
    subprocess.run([str(arg) for arg in args], check=True, **kwargs)


def measure(options, scenario, path=None, label=None, extra=()):
    command = [sys.executable, str(HERE / "worker.py"), options.conf, options.db, scenario]
    if path:
        command.append(str(path))
    command += [str(arg) for arg in extra]
    if options.track_history and "base_import" in scenario:
        command.append("--track-history")
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise BenchFailed(f"{scenario} crashed:\n{completed.stderr[-3000:]}")
    result = json.loads(lines[-1])
    result["label"] = label or scenario
    print(
        f"  {result['label']:<34} {result['rows']:>7} rows {result['seconds']:>8.2f} s "
        f"{result['rows_per_s'] or 0:>9.1f} rows/s  peak {result['peak_rss_mb']:>6.1f} MB  "
        f"checks {result['checks']}" + (f"  FAILED: {result['error']}" if result["error"] else ""),
        flush=True,
    )
    if result["error"] or completed.returncode:
        raise BenchFailed(f"{scenario}: {result['error'] or completed.stderr[-3000:]}")
    return result


def median_run(runs):
    """The run of median time among ``runs`` (of the same import), with the
    times of all of them and the highest peak memory."""
    ordered = sorted(runs, key=lambda result: result["seconds"])
    median = dict(ordered[(len(ordered) - 1) // 2])
    median["runs"] = [result["seconds"] for result in runs]
    median["peak_rss_mb"] = max(result["peak_rss_mb"] for result in runs)
    return median


def write_file(options, kind, rows, prefix):
    path = options.work / f"{kind}-{prefix}-{rows}.csv"
    path.write_bytes(generate(kind, rows, prefix))
    return path


def autovacuum(options):
    completed = subprocess.run(
        ["psql", "-h", options.db_host, "-U", options.db_user, "-d", "postgres", "-tAc", "SHOW autovacuum"],
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout.strip() or "unknown"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A production server on the benchmark's database, as
    tests/test_production_server.py starts one: Odoo's prefork server with
    ``workers`` HTTP workers and no cron thread, and queue_job's runner
    (a server-wide module of the configuration) with as many workers for
    the module's channel and for the root channel (base_import_async's)."""

    def __init__(self, options, workers, name):
        self.options, self.workers = options, workers
        self.log = options.work / f"server-{name}.log"
        self.output = options.work / f"server-{name}.out"
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(options.conf)
        interface = parser.get("options", "http_interface", fallback="") or ""
        self.host = "127.0.0.1" if interface in ("", "0.0.0.0", "False") else interface
        self.port = free_port()
        self.process = None
        self.children = {}

    def __enter__(self):
        self.log.unlink(missing_ok=True)
        channels = f"root:{self.workers},root.crm_bulk_import:{self.workers}"
        command = [
            sys.executable,
            str(self.options.odoo_bin),
            "-c",
            str(self.options.conf),
            "-d",
            self.options.db,
            f"--db-filter=^{self.options.db}$",
            f"--workers={self.workers}",
            "--max-cron-threads=0",
            f"--http-port={self.port}",
            f"--gevent-port={free_port()}",
            f"--logfile={self.log}",
            "--log-level=info",
        ]
        print(f"  (server: {self.workers} HTTP workers, channels {channels}, log {self.log.name})", flush=True)
        # What the server prints before its log is set up (its warnings) goes
        # beside the log.
        with self.output.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 - odoo-bin with the benchmark's arguments
                command,
                env=dict(os.environ, ODOO_QUEUE_JOB_CHANNELS=channels),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            self.wait_ready()
            self.warm_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc):
        self.stop()

    def log_text(self):
        return "".join(path.read_text(errors="replace") for path in (self.output, self.log) if path.exists())

    def get(self, path):
        try:
            with urllib.request.urlopen(f"http://{self.host}:{self.port}{path}", timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def wait_ready(self):
        """Until the HTTP workers answer and queue_job's runner is ready for
        the database (it logs it)."""
        started = time.monotonic()
        ready = f"queue job runner ready for db {self.options.db}"
        while time.monotonic() - started < SERVER_START_TIMEOUT:
            if self.process.poll() is not None:
                raise BenchFailed(f"the server stopped at its start:\n{self.log_text()[-3000:]}")
            if ready in self.log_text() and self.get("/web/login") == 200:
                return
            time.sleep(0.5)
        raise BenchFailed(f"the server was not ready after {SERVER_START_TIMEOUT} s:\n{self.log_text()[-3000:]}")

    def warm_up(self):
        """Requests to every worker, so that none builds its routing map
        during the measure (the registry is loaded before they fork)."""
        with ThreadPoolExecutor(2 * self.workers) as pool:
            for _round in range(3):
                list(pool.map(self.get, ["/web/login"] * (2 * self.workers)))
        self.children = server_children(self.process.pid)

    def stop(self):
        """A graceful stop (SIGINT), then a forced one; a worker left behind
        (its parent killed) is ended too."""
        if self.process.poll() is None:
            self.children.update(server_children(self.process.pid))
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid, cmdline in self.children.items():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as current:
                    if current.read().replace(b"\0", b" ").decode(errors="replace") != cmdline:
                        continue  # another process now
                os.kill(pid, signal.SIGKILL)
            except OSError:
                continue


def measure_on_server(options, scenario, path, workers, label):
    """A measurement whose queue jobs a fresh production server performs."""
    name = f"{scenario}-{workers}w-{path.stem}"
    with Server(options, workers, name) as server:
        return measure(options, scenario, path, label, ("--server-pid", server.process.pid, "--workers", workers))


def install_base_import_async(options):
    """OCA base_import_async into the benchmark's database kept as it is,
    when it is not there yet."""
    completed = subprocess.run(
        [
            "psql",
            "-h",
            options.db_host,
            "-U",
            options.db_user,
            "-d",
            options.db,
            "-tAc",
            "SELECT state FROM ir_module_module WHERE name = 'base_import_async'",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.stdout.strip() != "installed":
        install(options, "base_import_async")


def install(options, modules):
    """Install ``modules`` on the benchmark's database, without demo data."""
    sh(
        sys.executable,
        options.odoo_bin,
        "-c",
        options.conf,
        "-d",
        options.db,
        "-i",
        modules,
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=warn",
    )


def machine():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:  # not Linux: the platform's own name below
        model = ""
    return {
        "cores": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "date": datetime.date.today().isoformat(),
        "loop_seconds": loop_seconds(),
    }


def loop_seconds():
    """How fast this machine runs Python: the best of three 10-million-step
    loops, in seconds. Machines of the same name differ by 2× and more, so a
    figure compares with another taken beside the same loop time."""
    best = None
    for _attempt in range(3):
        start = time.perf_counter()
        total = 0
        for step in range(10_000_000):
            total += step
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return round(best, 2)


def pg_seconds(options):
    """How fast PostgreSQL writes here: the best of three inserts of 200,000
    rows into a table with two indexes (rolled back), in seconds. The loop
    above does not see a machine whose memory or disk got slower; this does,
    taken at the start and at the end of a run."""
    import psycopg2  # noqa: PLC0415 - Odoo's dependency, in the virtualenv

    connection = psycopg2.connect(host=options.db_host, user=options.db_user, dbname="postgres")
    best = None
    try:
        with connection.cursor() as cursor:
            for _attempt in range(3):
                start = time.perf_counter()
                cursor.execute("CREATE TABLE bench_probe (id int PRIMARY KEY, name varchar, ref int)")
                cursor.execute("CREATE INDEX bench_probe_name ON bench_probe (name)")
                cursor.execute(
                    "INSERT INTO bench_probe SELECT g, md5(g::text), g % 97 FROM generate_series(1, 200000) g"
                )
                elapsed = time.perf_counter() - start
                connection.rollback()
                best = elapsed if best is None else min(best, elapsed)
    finally:
        connection.close()
    return round(best, 2)


def run(options):
    options.work.mkdir(parents=True, exist_ok=True)
    results = {
        "machine": machine(),
        "lead": [],
        "dry_run": [],
        "workers": [],
        "async": [],
        "member": [],
        "revert": [],
        "promote": [],
        "assignment": [],
        "prospect": [],
        "member_dry_run": [],
    }
    results["machine"]["autovacuum"] = autovacuum(options)
    results["machine"]["pg_seconds_start"] = pg_seconds(options)
    with_async = "async" in options.only
    if with_async:
        sh(sys.executable, "-m", "pip", "install", "-q", "--no-deps", BASE_IMPORT_ASYNC)
    if not options.keep_db:
        sh("dropdb", "-h", options.db_host, "-U", options.db_user, "--if-exists", options.db)
        install(options, "crm_bulk_import,base_import_async" if with_async else "crm_bulk_import")
    elif with_async:
        install_base_import_async(options)
    measure(options, "setup")

    rounds = options.rounds if "lead" in options.only else 0
    if rounds:
        print(f"Lead registration, {options.lead_rows} rows, alternating base_import and this module:", flush=True)
    for index in range(rounds):
        path = write_file(options, "lead", options.lead_rows, f"r{index + 1}")
        order = ("lead-base_import", "lead-module") if index % 2 == 0 else ("lead-module", "lead-base_import")
        for scenario in order:
            results["lead"].append(measure(options, scenario, path, f"round {index + 1} {scenario}"))

    if "dry_run" in options.only:
        print(f"Dry run of a lead registration, {options.dry_run_rows} rows:", flush=True)
        path = write_file(options, "lead", options.dry_run_rows, "d")
        for index in range(options.rounds):
            results["dry_run"].append(measure(options, "dry-run-module", path, f"round {index + 1} dry run"))

    rows = options.workers_rows
    if "workers" in options.only:
        print(f"1 and 2 job workers on a production server, {rows} rows, a new file each:", flush=True)
        for kind, scenario in (("lead", "lead-server"), ("assignment", "assignment-server")):
            for workers in (1, 2):
                path = write_file(options, kind, rows, f"w{workers}{kind[0]}{rows}x")
                if kind == "assignment":
                    measure(options, "assignment-prepare", path, f"(set-up: {rows} customers)")
                label = f"{kind} {plural(workers, 'job worker')}"
                results["workers"].append(measure_on_server(options, scenario, path, workers, label))

    for workers in options.async_workers if with_async else ():
        print(f"OCA base_import_async, {rows} leads, {plural(workers, 'job worker')}:", flush=True)
        path = write_file(options, "lead", rows, f"async{workers}w{rows}x")
        label = f"base_import_async {plural(workers, 'job worker')}"
        results["async"].append(measure_on_server(options, "lead-base_import_async", path, workers, label))
        if not any(r["scenario"] == "lead-server" and r["workers"] == workers for r in results["workers"]):
            # This module on the same kind of file and server, for the ratio.
            path = write_file(options, "lead", rows, f"w{workers}l{rows}x")
            label = f"lead {plural(workers, 'job worker')}"
            results["workers"].append(measure_on_server(options, "lead-server", path, workers, label))

    for size in options.sizes if "members" in options.only else ():
        print(f"Member import and promotion, {size} rows:", flush=True)
        members, promotions = [], []
        for index in range(options.repeat if size <= options.repeat_max else 1):
            # each run its own people: a new file, new leads to promote
            tag = f"{size}" if index == 0 else f"{size}r{index + 1}"
            run_label = f" (run {index + 1})" if index else ""
            path = write_file(options, "member", size, f"m{tag}")
            members.append(measure(options, "member-module", path, f"member import {size}{run_label}"))
            if index == 0 and size <= options.revert_max:
                results["revert"].append(measure(options, "member-revert", None, f"revert of member import {size}"))
            leads = write_file(options, "lead", size, f"p{tag}")
            measure(options, "promote-prepare", leads, f"(set-up: {size} leads to promote)")
            path = write_file(options, "promote", size, f"p{tag}")
            promotions.append(measure(options, "promote-module", path, f"promotion {size}{run_label}"))
        results["member"].append(median_run(members))
        results["promote"].append(median_run(promotions))

    for size in options.sizes if "growth" in options.only else ():
        print(f"Customer assignment and prospect import, {size} rows:", flush=True)
        path = write_file(options, "assignment", size, f"g{size}a")
        measure(options, "assignment-prepare", path, f"(set-up: {size} customers)")
        results["assignment"].append(measure(options, "assignment-module", path, f"customer assignment {size}"))
        if size <= options.prospect_max:
            path = write_file(options, "prospect", size, f"g{size}s")
            results["prospect"].append(measure(options, "prospect-module", path, f"prospect import {size}"))

    if "member_dry_run" in options.only:
        print(f"Dry run of a member import, {options.member_dry_run_rows} rows:", flush=True)
        path = write_file(options, "member", options.member_dry_run_rows, f"md{options.member_dry_run_rows}x")
        results["member_dry_run"].append(measure(options, "member-dry-run", path, "member dry run"))
    results["machine"]["pg_seconds_end"] = pg_seconds(options)
    return results


def plural(count, word):
    return f"{count} {word}{'s' if count > 1 else ''}"


def summary(results, command):
    """The Markdown the README shows, and the list of targets missed."""
    info = results["machine"]
    vacuum = (
        " PostgreSQL runs without autovacuum here: the benchmark vacuums the tables an import updates before each"
        " measurement and every two minutes of a background run, as autovacuum would, outside the measured time"
        " (beside a production server's run, concurrently)."
        if info.get("autovacuum") == "off"
        else ""
    )
    out = [
        f"`{command}` on {info['date']}, {info['cores']} cores ({info['cpu']}), PostgreSQL on the same "
        f"machine.{vacuum}"
        + (
            f" A 10-million-step Python loop took {info['loop_seconds']} s on this machine (the machine's speed:"
            " figures compare at the same loop time)."
            if info.get("loop_seconds")
            else ""
        )
        + (
            f" PostgreSQL wrote 200,000 rows into a table with two indexes in {info['pg_seconds_start']} s at"
            f" the start of the run and {info['pg_seconds_end']} s at its end (the same machine can be slower"
            " at times: its memory and disk, which the loop does not see)."
            if info.get("pg_seconds_end")
            else ""
        ),
        "",
    ]
    missed = []
    if results["lead"] or results["dry_run"] or results["member_dry_run"]:
        out += [
            "| What | Rows | This module | Odoo base_import | Ratio | Target |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
    if results["lead"]:
        lead_module = [r["rows_per_s"] for r in results["lead"] if r["scenario"] == "lead-module"]
        lead_base = [r["rows_per_s"] for r in results["lead"] if r["scenario"] == "lead-base_import"]
        module_rate, base_rate = statistics.median(lead_module), statistics.median(lead_base)
        ratio = module_rate / base_rate
        out.append(
            f"| Lead registration into crm.lead (median of {len(lead_module)}) | {results['lead'][0]['rows']:,} "
            f"| {module_rate:,.0f} rows/s | {base_rate:,.0f} rows/s | {ratio:.1f}× | ≥ {LEAD_RATIO_TARGET:.0f}× |"
        )
        if ratio < LEAD_RATIO_TARGET:
            missed.append(f"lead registration is {ratio:.1f}× base_import, target {LEAD_RATIO_TARGET:.0f}×")
    if results["dry_run"]:
        dry = results["dry_run"]
        dry_rate = statistics.median(r["rows_per_s"] for r in dry)
        dry_peak = max(r["peak_rss_mb"] for r in dry)
        dry_upload = max(r["upload_peak_rss_mb"] or 0 for r in dry)
        out.append(
            f"| Dry run of a lead registration (median of {len(dry)}) | {dry[0]['rows']:,} | {dry_rate:,.0f} rows/s, "
            f"peak {dry_peak:.0f} MB (upload {dry_upload:.0f} MB) | | "
            f"| ≥ {DRY_RUN_RATE_TARGET:,} rows/s, < {DRY_RUN_MEMORY_TARGET} MB |"
        )
        if dry_rate < DRY_RUN_RATE_TARGET:
            missed.append(f"dry run at {dry_rate:,.0f} rows/s, target {DRY_RUN_RATE_TARGET:,}")
        if dry_peak >= DRY_RUN_MEMORY_TARGET:
            missed.append(f"dry run peak memory {dry_peak:.0f} MB, target < {DRY_RUN_MEMORY_TARGET}")
    for result in results["member_dry_run"]:
        over = result["peak_rss_mb"] - result["baseline_rss_mb"]
        upload = f", upload {result['upload_peak_rss_mb']:.0f} MB" if result["upload_peak_rss_mb"] else ""
        out.append(
            f"| Dry run of a member import, on the job queue | {result['rows']:,} "
            f"| {result['rows_per_s']:,.0f} rows/s, peak {result['peak_rss_mb']:.0f} MB: {over:.0f} MB over the "
            f"idle process's {result['baseline_rss_mb']:.0f} MB{upload} | | "
            f"| ≤ {MEMBER_DRY_RUN_MEMORY_TARGET} MB over the idle process |"
        )
        if over > MEMBER_DRY_RUN_MEMORY_TARGET:
            missed.append(
                f"member dry run takes {over:.0f} MB over the idle process, target {MEMBER_DRY_RUN_MEMORY_TARGET} MB"
            )

    workers = {(r["scenario"], r["workers"]): r for r in results["workers"]}
    titles = (("lead-server", "Lead registration into crm.lead"), ("assignment-server", "Customer assignment"))
    if results["workers"]:
        out += [
            "",
            "| Production server, one import | Rows | 1 job worker | 2 job workers | Speed-up "
            "| Peak memory of a worker (1 / 2) | Queue jobs retried (1 / 2) | Target |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
    for scenario, title in titles:
        one, two = workers.get((scenario, 1)), workers.get((scenario, 2))
        if not (one or two):
            continue
        cells = [f"{r['rows_per_s']:,.0f} rows/s ({r['seconds']:,.1f} s)" if r else "–" for r in (one, two)]
        speedup = two["rows_per_s"] / one["rows_per_s"] if one and two else None
        peaks = " / ".join(f"{r['peak_rss_mb']:.0f} MB" if r else "–" for r in (one, two))
        retries = " / ".join(str(r.get("queue_job_retries", "–")) if r else "–" for r in (one, two))
        rows = (one or two)["rows"]
        out.append(
            f"| {title} | {rows:,} | {cells[0]} | {cells[1]} | {f'{speedup:.2f}×' if speedup else '–'} | {peaks} "
            f"| {retries} | ≥ {WORKERS_SPEEDUP_TARGET}× |"
        )
        if speedup is not None and speedup < WORKERS_SPEEDUP_TARGET:
            missed.append(f"{title}: 2 job workers are {speedup:.2f}× 1, target {WORKERS_SPEEDUP_TARGET}×")

    if results["async"]:
        out += [
            "",
            "| Background import of leads, production server | Rows | Job workers | This module "
            "| OCA base_import_async | Ratio | Peak memory of a worker (module / async) | Target |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
    for result in results["async"]:
        module = workers.get(("lead-server", result["workers"]))
        ratio = module["rows_per_s"] / result["rows_per_s"] if module else None
        module_rate = f"{module['rows_per_s']:,.0f} rows/s ({module['seconds']:,.1f} s)" if module else "–"
        module_peak = f"{module['peak_rss_mb']:.0f} MB" if module else "–"
        out.append(
            f"| Lead registration into crm.lead | {result['rows']:,} | {result['workers']} | {module_rate} "
            f"| {result['rows_per_s']:,.0f} rows/s ({result['seconds']:,.1f} s) | {f'{ratio:.1f}×' if ratio else '–'} "
            f"| {module_peak} / {result['peak_rss_mb']:.0f} MB | ≥ {ASYNC_RATIO_TARGET:.0f}× |"
        )
        if ratio is not None and ratio < ASYNC_RATIO_TARGET:
            missed.append(
                f"lead registration with {plural(result['workers'], 'job worker')} is {ratio:.1f}× "
                f"base_import_async, target {ASYNC_RATIO_TARGET:.0f}×"
            )

    kinds = (
        ("member", "Member import"),
        ("revert", "Revert of that member import"),
        ("promote", "Promotion of leads"),
        ("assignment", "Customer assignment"),
        ("prospect", "Prospect import"),
    )
    if any(results.get(kind) for kind, _title in kinds):
        out += [
            "",
            "| Import, one queue_job worker | Rows | Seconds | Rows/s | Peak memory | Upload peak "
            "| Time ×, from the size before |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
    for kind, title in kinds:
        previous = None
        for result in results.get(kind, []):
            growth = ""
            if previous:
                factor = result["seconds"] / previous["seconds"]
                growth = f"{factor:.1f}× for {result['rows'] // previous['rows']}× rows"
                if result["rows"] == 10 * previous["rows"] and previous["rows"] >= 10000 and factor > LINEAR_TARGET:
                    missed.append(f"{title} grows {factor:.1f}× from {previous['rows']} to {result['rows']} rows")
            if kind in ("member", "promote") and result["rows"] == 10000 and result["rows_per_s"] < MEMBER_RATE_TARGET:
                missed.append(f"{title} at {result['rows_per_s']:,.0f} rows/s, target {MEMBER_RATE_TARGET:,}")
            upload = f"{result['upload_peak_rss_mb']:.0f} MB" if result["upload_peak_rss_mb"] else "–"
            seconds = f"{result['seconds']:,.1f}"
            if len(result.get("runs", ())) > 1:
                seconds += f" (median of {len(result['runs'])}: {min(result['runs']):,.1f}–{max(result['runs']):,.1f})"
            out.append(
                f"| {title} | {result['rows']:,} | {seconds} | {result['rows_per_s']:,.0f} "
                f"| {result['peak_rss_mb']:.0f} MB | {upload} | {growth} |"
            )
            previous = result
    return "\n".join(out), missed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--odoo-bin", required=True)
    parser.add_argument("--db", default="crm_bulk_import_bench")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-user", default="odoo")
    parser.add_argument("--work", type=Path, default=Path(".build/bench"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--lead-rows", type=int, default=10000)
    parser.add_argument("--dry-run-rows", type=int, default=100000)
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="sizes of the member import and promotion, and of the customer assignment and prospect import",
    )
    parser.add_argument("--workers-rows", type=int, default=20000, help="rows of the imports with 1 and 2 job workers")
    parser.add_argument(
        "--async-workers", default="1,2", help="job workers of the base_import_async runs, comma-separated"
    )
    parser.add_argument(
        "--prospect-max",
        type=int,
        default=100000,
        help="import prospects up to this size (each is invited by email)",
    )
    parser.add_argument("--member-dry-run-rows", type=int, default=100000, help="rows of the member dry run")
    parser.add_argument(
        "--track-history",
        action="store_true",
        help='base_import and base_import_async with "Track history during import" ticked (unticked by default)',
    )
    parser.add_argument("--keep-db", action="store_true", help="reuse the database as it is")
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"the parts to run, comma-separated, among {', '.join(PARTS)}",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each member import and promotion up to --repeat-max rows; the median is shown",
    )
    parser.add_argument("--repeat-max", type=int, default=10000)
    parser.add_argument(
        "--revert-max", type=int, default=10000, help="revert the member imports up to this size (measured)"
    )
    options = parser.parse_args()
    options.sizes = [int(size) for size in options.sizes.split(",") if size]
    options.only = set(options.only.split(","))
    if options.only - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(options.only - set(PARTS)))}")
    options.async_workers = [int(workers) for workers in options.async_workers.split(",") if workers]
    command = os.environ.get("BENCH_COMMAND", "make bench")
    try:
        results = run(options)
    except BenchFailed as failure:
        print(f"BENCHMARK FAILED: {failure}", file=sys.stderr)
        return 1
    table, missed = summary(results, command)
    (options.work / "results.json").write_text(json.dumps(results, indent=2))
    (options.work / "results.md").write_text(table + "\n")
    print("\n" + table + "\n")
    for miss in missed:
        print(f"TARGET MISSED: {miss}")
    print(f"Every run was checked in the database. Results: {options.work / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
