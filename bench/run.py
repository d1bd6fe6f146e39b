# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The benchmark: one database, this module and Odoo's base_import side by
side on the same rows. See bench/README.md for how to read the results.

    python bench/run.py --conf .build/odoo.conf --odoo-bin ~/.cache/odoo/18.0/odoo-bin

Each measurement runs in its own process (bench/worker.py) so that its peak
memory is its own; every run is checked in the database afterwards (count
and sampled values) and a wrong import fails the benchmark."""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

# The performance targets
LEAD_RATIO_TARGET = 10.0
DRY_RUN_RATE_TARGET = 20000
DRY_RUN_MEMORY_TARGET = 300
LINEAR_TARGET = 11.0  # time from 10k to 100k rows


class BenchFailed(Exception):
    pass


def sh(*args, **kwargs):
    print("$", " ".join(str(arg) for arg in args), flush=True)
    subprocess.run([str(arg) for arg in args], check=True, **kwargs)


def measure(options, scenario, path=None, label=None):
    command = [sys.executable, str(HERE / "worker.py"), options.conf, options.db, scenario]
    if path:
        command.append(str(path))
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


def machine():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "date": datetime.date.today().isoformat(),
    }


def run(options):
    options.work.mkdir(parents=True, exist_ok=True)
    results = {"machine": machine(), "lead": [], "dry_run": [], "member": [], "revert": [], "promote": []}
    results["machine"]["autovacuum"] = autovacuum(options)
    if not options.keep_db:
        sh("dropdb", "-h", options.db_host, "-U", options.db_user, "--if-exists", options.db)
        sh(
            sys.executable,
            options.odoo_bin,
            "-c",
            options.conf,
            "-d",
            options.db,
            "-i",
            "crm_bulk_import",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        )
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

    for size in options.sizes if "members" in options.only else ():
        print(f"Member import and promotion, {size} rows:", flush=True)
        path = write_file(options, "member", size, f"m{size}")
        results["member"].append(measure(options, "member-module", path, f"member import {size}"))
        if size <= options.revert_max:
            results["revert"].append(measure(options, "member-revert", None, f"revert of member import {size}"))
        leads = write_file(options, "lead", size, f"p{size}")
        measure(options, "promote-prepare", leads, f"(set-up: {size} leads to promote)")
        path = write_file(options, "promote", size, f"p{size}")
        results["promote"].append(measure(options, "promote-module", path, f"promotion {size}"))
    return results


def summary(results, command):
    """The Markdown the README shows, and the list of targets missed."""
    info = results["machine"]
    vacuum = (
        " PostgreSQL runs without autovacuum here: the benchmark vacuums the tables an import updates before each"
        " measurement and every two minutes of a background run, as autovacuum would, outside the measured time."
        if info.get("autovacuum") == "off"
        else ""
    )
    out = [
        f"`{command}` on {info['date']}, {info['cores']} cores ({info['cpu']}), PostgreSQL on the same "
        f"machine.{vacuum}",
        "",
    ]
    if results["lead"] or results["dry_run"]:
        out += [
            "| What | Rows | This module | Odoo base_import | Ratio | Target |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
    missed = []
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
    out += [
        "",
        "| Import with subscriptions | Rows | Seconds | Rows/s | Peak memory | Upload peak "
        "| Time ×, from the size before |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    kinds = (("member", "Member import"), ("revert", "Revert of that member import"), ("promote", "Promotion of leads"))
    for kind, title in kinds:
        previous = None
        for result in results.get(kind, []):
            growth = ""
            if previous:
                factor = result["seconds"] / previous["seconds"]
                growth = f"{factor:.1f}× for {result['rows'] // previous['rows']}× rows"
                if result["rows"] == 10 * previous["rows"] and previous["rows"] >= 10000 and factor > LINEAR_TARGET:
                    missed.append(f"{title} grows {factor:.1f}× from {previous['rows']} to {result['rows']} rows")
            upload = f"{result['upload_peak_rss_mb']:.0f} MB" if result["upload_peak_rss_mb"] else "–"
            out.append(
                f"| {title} | {result['rows']:,} | {result['seconds']:,.1f} | {result['rows_per_s']:,.0f} "
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
    parser.add_argument("--sizes", default="1000,10000,100000", help="member import and promotion sizes")
    parser.add_argument("--keep-db", action="store_true", help="reuse the database as it is")
    parser.add_argument("--only", default="lead,dry_run,members", help="the parts to run, comma-separated")
    parser.add_argument(
        "--revert-max", type=int, default=10000, help="revert the member imports up to this size (measured)"
    )
    options = parser.parse_args()
    options.sizes = [int(size) for size in options.sizes.split(",") if size]
    options.only = set(options.only.split(","))
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
