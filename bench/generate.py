# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Deterministic CSV files for the benchmark: nothing big is committed, the
same kind, size and prefix give the same rows on every machine.

    python bench/generate.py lead 10000 out.csv [PREFIX]

Kinds: lead, member, promote, assignment, prospect.
"""

import csv
import io
import random
import sys
from datetime import date, timedelta

FIRST = ("Anna", "Marc", "Julie", "Pierre", "Lena", "Tom", "Sofia", "Hugo", "Emma", "Karl", "Nora", "Ivan")
LAST = ("Martin", "Bernard", "Dubois", "Schmidt", "Muller", "Weber", "Rossi", "Garcia", "Novak", "Smith")
CITIES = (("Lyon", "69001", "France"), ("Berlin", "10115", "Germany"), ("Gent", "9000", "BE"), ("Porto", "4000", "PT"))

LEAD_HEADERS = [
    "Partner ID",
    "Agent ID",
    "Lead name",
    "Contact name",
    "Email",
    "Company",
    "Phone",
    "Description",
    "Expected revenue",
]
MEMBER_HEADERS = ["Name", "Plan Name", "Start Date", "Next Invoice Date", "Email", "Company", "Phone", "City"]
PROMOTE_HEADERS = ["Email", "First Name", "Last Name", "Team Name", "Phone", "City", "Plans", "Monthly Bill Date"]
ASSIGNMENT_HEADERS = ["External Id", "Account manager email", "Workflow name"]
# The prospect import's columns (prospects of the partner program).
PROGRAM_HEADERS = ["Name", "Email", "Company", "Group", "Website", "Phone", "Country", "Tags"]

# What the benchmark's set-up creates (bench/worker.py setup) and the files use.
PARTNER_CODES = ("P90001", "P90002", "P90003")
PLANS = ("Bench Desk", "Bench Office")
ACCOUNT_MANAGERS = ("am1@bench.example.com", "am2@bench.example.com", "am3@bench.example.com")
WORKFLOW = "Bench Welcome"  # an activity plan for contacts, of one activity
WORKFLOW_ACTIVITY = "Bench welcome call"
# Prospect groups: one whose workflow accepts at once, one reviewed by a manager.
PROGRAM_GROUPS = ("Bench Creators", "Bench Resellers")
PROGRAM_TAGS = ("Bench", "Video")


def _person(rng, prefix, index):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return first, last, f"{first.lower()}.{last.lower()}.{prefix}{index}@bench.example.com"


def lead_rows(count, prefix="l"):
    rng = random.Random(f"lead-{prefix}-{count}")
    for index in range(1, count + 1):
        first, last, email = _person(rng, prefix, index)
        yield [
            PARTNER_CODES[index % len(PARTNER_CODES)],
            "",
            f"Bench lead {prefix}{index}",
            f"{first} {last}",
            email,
            f"Bench Company {prefix}{index // 5}",
            f"+33 6 {index % 100:02d} {index // 100 % 100:02d} {index // 10000 % 100:02d} 00",
            "Imported by the benchmark" if index % 3 else "",
            f"{(index % 90 + 10) * 100}",
        ]


def member_rows(count, prefix="m"):
    rng = random.Random(f"member-{prefix}-{count}")
    start = date(2026, 1, 1)
    next_invoice = date.today() + timedelta(days=30)
    for index in range(1, count + 1):
        first, last, email = _person(rng, prefix, index)
        city = CITIES[index % len(CITIES)]
        yield [
            f"{first} {last} {prefix}{index}",
            PLANS[index % len(PLANS)],
            (start + timedelta(days=index % 300)).isoformat(),
            next_invoice.isoformat(),
            email,
            f"Bench Team {prefix}{index // 10}",
            f"+49 30 {index:07d}",
            city[0],
        ]


def promote_rows(count, prefix="p"):
    """The emails of the leads the set-up registers with lead_rows(count, prefix)."""
    rng = random.Random(f"lead-{prefix}-{count}")
    for index in range(1, count + 1):
        first, last, email = _person(rng, prefix, index)
        city = CITIES[index % len(CITIES)]
        yield [
            email,
            first,
            last,
            f"Bench Promoted Team {prefix}{index // 10}",
            f"+32 4 {index:07d}",
            city[0],
            PLANS[index % len(PLANS)],
            str(index % 28 + 1),
        ]


def customer_external_id(prefix, index):
    """The External Id of a customer an assignment file names: the
    benchmark creates these customers before the import (worker.py
    assignment-prepare), from the file."""
    return f"BC-{prefix}-{index:07d}"


def assignment_rows(count, prefix="a"):
    """A customer per row; one row in four names two account managers, one
    in five starts no workflow."""
    for index in range(1, count + 1):
        managers = [ACCOUNT_MANAGERS[index % len(ACCOUNT_MANAGERS)]]
        if index % 4 == 0:
            managers.append(ACCOUNT_MANAGERS[(index + 1) % len(ACCOUNT_MANAGERS)])
        yield [customer_external_id(prefix, index), ", ".join(managers), WORKFLOW if index % 5 else ""]


def prospect_rows(count, prefix="s"):
    """New prospects (their emails are new), in the set-up's groups."""
    rng = random.Random(f"prospect-{prefix}-{count}")
    for index in range(1, count + 1):
        first, last, email = _person(rng, prefix, index)
        city = CITIES[index % len(CITIES)]
        yield [
            f"{first} {last} {prefix}{index}",
            email,
            f"Bench Studio {prefix}{index // 10}" if index % 2 else "",
            PROGRAM_GROUPS[index % len(PROGRAM_GROUPS)],
            f"https://{prefix}{index}.bench.example.com" if index % 3 == 0 else "",
            f"+33 1 {index % 100:02d} {index // 100 % 100:02d} {index // 10000 % 100:02d} 00",
            city[2],
            ", ".join(PROGRAM_TAGS[: index % 3]),
        ]


KINDS = {
    "lead": (LEAD_HEADERS, lead_rows),
    "member": (MEMBER_HEADERS, member_rows),
    "promote": (PROMOTE_HEADERS, promote_rows),
    "assignment": (ASSIGNMENT_HEADERS, assignment_rows),
    "prospect": (PROGRAM_HEADERS, prospect_rows),
}


def generate(kind, count, prefix=None):
    """The CSV bytes of ``count`` rows of ``kind``."""
    headers, rows = KINDS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows(count, prefix) if prefix else rows(count))
    return buffer.getvalue().encode()


if __name__ == "__main__":
    kind, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path, "wb") as output:
        output.write(generate(kind, count, sys.argv[4] if len(sys.argv) > 4 else None))
