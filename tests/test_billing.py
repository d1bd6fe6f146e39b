# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing dates and proration, on the examples of the billing help."""

import unittest
from datetime import date

from odoo.addons.crm_bulk_import.engine.billing import next_bill_date, prorated_amount


class TestBillingDates(unittest.TestCase):
    def test_may_15_with_bill_day_5_bills_june_5(self):
        self.assertEqual(next_bill_date(date(2025, 5, 15), 5), date(2025, 6, 5))

    def test_later_the_same_month(self):
        self.assertEqual(next_bill_date(date(2025, 5, 3), 5), date(2025, 5, 5))

    def test_on_the_day_bills_next_month(self):
        self.assertEqual(next_bill_date(date(2025, 5, 5), 5), date(2025, 6, 5))

    def test_31_in_a_30_day_month_is_its_last_day(self):
        self.assertEqual(next_bill_date(date(2025, 4, 2), 31), date(2025, 4, 30))
        self.assertEqual(next_bill_date(date(2025, 1, 31), 31), date(2025, 2, 28))
        self.assertEqual(next_bill_date(date(2024, 1, 31), 30), date(2024, 2, 29))

    def test_year_end(self):
        self.assertEqual(next_bill_date(date(2025, 12, 20), 1), date(2026, 1, 1))

    def test_bill_day_out_of_range(self):
        with self.assertRaises(ValueError):
            next_bill_date(date(2025, 5, 1), 32)


class TestProration(unittest.TestCase):
    def test_ten_days_of_a_thirty_day_period(self):
        # Billing starts May 27, the first recurring bill is June 6: 10 days of
        # the May 6 - June 6 period (31 days).
        self.assertAlmostEqual(prorated_amount(310.0, date(2025, 5, 27), date(2025, 6, 6)), 100.0)

    def test_october_15_to_november_1_prorates_17_days(self):
        # 17 days of October (31 days).
        self.assertAlmostEqual(prorated_amount(620.0, date(2025, 10, 15), date(2025, 11, 1)), 340.0)

    def test_nothing_when_billing_starts_on_the_bill_date(self):
        self.assertEqual(prorated_amount(100.0, date(2025, 6, 6), date(2025, 6, 6)), 0.0)
