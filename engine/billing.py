"""Billing dates and proration for members' subscriptions.

Plain Python on dates and amounts, so the rules can be read and tested apart
from the ORM.
"""

import calendar
from datetime import date

from dateutil.relativedelta import relativedelta


def day_in_month(year, month, day):
    """``day`` of that month, or its last day when the month is shorter (a
    bill day of 31 falls on April 30)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_bill_date(today, bill_day):
    """The next occurrence of ``bill_day`` after ``today``.

    "If uploading on May 15 with a bill date of '5' the billing will start on
    June 5th." An upload on the bill day itself bills a month later.
    """
    if not 1 <= bill_day <= 31:
        raise ValueError(f"bill day {bill_day} is not between 1 and 31")
    candidate = day_in_month(today.year, today.month, bill_day)
    if candidate <= today:
        following = today + relativedelta(months=1)
        candidate = day_in_month(following.year, following.month, bill_day)
    return candidate


def prorated_amount(price, start, first_bill, months=1):
    """Price of the days from ``start`` to ``first_bill`` (the first recurring
    bill date): price × days / days of the billing period that ends on
    ``first_bill``."""
    if start >= first_bill:
        return 0.0
    period_start = first_bill - relativedelta(months=months)
    period_days = (first_bill - period_start).days
    days = (first_bill - start).days
    return price * days / period_days
