"""Table-driven: requests typed as people type them in Slack → the chart a person would expect.

Expected labels and values come from plain Python over the test rows (tests/understand/expect.py),
never from the code under test.
"""

from __future__ import annotations

import itertools
import math

import pytest

from bot.render.validate import validate
from bot.understand import ChartResult, Context, understand
from tests.understand.data import orders_dataset, people_dataset, sales_dataset
from tests.understand.expect import (
    ORDERS,
    PEOPLE,
    SALES,
    Want,
    by_two,
    grouped,
    month,
    months_back,
    quarter,
    want_group,
    year,
)

DATASETS = {
    "sales": sales_dataset(),
    "people": people_dataset(),
    "orders": orders_dataset(),
    None: None,
}

REGION = lambda r: r["Region"]  # noqa: E731
PRODUCT = lambda r: r["Product"]  # noqa: E731
STATUS = lambda r: r["Status"]  # noqa: E731
DEPT = lambda r: r["Department"]  # noqa: E731

REV_BY_REGION = want_group(SALES, REGION, ["Revenue"], prefix="$")
REV_BY_PRODUCT = want_group(SALES, PRODUCT, ["Revenue"])
AVG_UNITS_REGION = want_group(SALES, REGION, ["Units"], "mean")
REV_BY_MONTH = want_group(SALES, month, ["Revenue"], chart_type="line", ordered=True)
REV_BY_QUARTER = want_group(SALES, quarter, ["Revenue"], chart_type="line", ordered=True)
REV_BY_YEAR = want_group(SALES, year, ["Revenue"], chart_type="line", ordered=True)
IN_2024 = lambda r: r["Date"].year == 2024  # noqa: E731
IN_2023 = lambda r: r["Date"].year == 2023  # noqa: E731

_rg_labels, _rg_groups, _rg_series = by_two(SALES, "Region", "Product", "Revenue")
REV_REGION_PRODUCT = Want("bar", _rg_labels, _rg_series, names=_rg_groups)
REV_REGION_PRODUCT_STACKED = Want(
    "bar", _rg_labels, _rg_series, names=_rg_groups, options={"stacked": True}
)
_ps_labels, _ps_groups, _ps_series = by_two(SALES, "Product", "Status", "Units")
UNITS_PRODUCT_STATUS = Want("bar", _ps_labels, _ps_series, names=_ps_groups)

SCATTER_UNITS_REV = Want("scatter", [r["Units"] for r in SALES], [[r["Revenue"] for r in SALES]])
SCATTER_REV_COST = Want("scatter", [r["Revenue"] for r in SALES], [[r["Cost"] for r in SALES]])
SCATTER_AGE_SALARY = Want("scatter", [r["Age"] for r in PEOPLE], [[r["Salary"] for r in PEOPLE]])
SCATTER_EXP_SALARY = Want(
    "scatter", [r["Years Experience"] for r in PEOPLE], [[r["Salary"] for r in PEOPLE]]
)


def hist(values: list[float]) -> Want:
    """Checked structurally in _check_histogram: bins cover the data, counts match the labels."""
    return Want("histogram", ["<hist>"], [values])


CASES: list[tuple[str, str | None, Want]] = []


def add(want: Want, dataset: str | None, *phrasings: str) -> None:
    for p in phrasings:
        CASES.append((p, dataset, want))


# --- measure by category -------------------------------------------------------------------
add(
    REV_BY_REGION,
    "sales",
    "revenue by region",
    "Revenue by Region",
    "show me revenue by region pls",
    "revenue per region",
    "total revenue by region",
    "sum of revenue by region",
    "revenues by regions",
    "can u chart revenue by region :bar_chart:",
    "*revenue* by _region_",
    "<@U123ABC> revenue by region",
    "revenue across regions",
    "whats the revenue by region?",
    "rev by region",
    "bar chart of revenue by region",
    "plot revenue broken down by region",
    "revenue for each region",
    "REVENUE BY REGION!!!",
    "revenue by region 🙏",
    "revenue split by region",
    "hey @chartbot, revenue by region please",
    "region revenue",
    "revenue grouped by region",
    "total revenue per region thx",
    "chart: revenue by region",
)
add(
    REV_BY_PRODUCT,
    "sales",
    "revenue by product",
    "revenue per product",
    "total rev by product",
    "products by revenue",
    "sum revenue by product",
)
add(
    AVG_UNITS_REGION,
    "sales",
    "avg units by region",
    "average units per region",
    "mean units by region",
    "average number of units per region",
    "what's the average units by region",
)
add(
    want_group(SALES, REGION, ["Units"]),
    "sales",
    "units by region",
    "number of units by region",
    "how many units per region",
    "unit by region",
    "total units by region",
)
add(
    want_group(SALES, PRODUCT, ["Cost"], "min"),
    "sales",
    "min cost by product",
    "minimum cost per product",
    "lowest cost by product",
)
add(
    want_group(SALES, REGION, ["Revenue"], "max"),
    "sales",
    "max revenue by region",
    "maximum revenue per region",
    "highest revenue by region",
    "biggest revenue by region",
)
add(
    want_group(SALES, STATUS, ["Cost"]),
    "sales",
    "cost by status",
    "costs by status",
    "cots by status",
    "total cost per status",
)

# --- counts ---------------------------------------------------------------------------------
add(
    want_group(SALES, STATUS, None, "count"),
    "sales",
    "count by status",
    "how many orders per status",
    "number of orders by status",
    "count of rows by status",
    "status breakdown count",
    "count orders by status",
    "how many rows per status?",
)
add(
    want_group(SALES, REGION, None, "count"),
    "sales",
    "count by region",
    "number of sales per region",
    "how many deals by region",
)
add(
    want_group(PEOPLE, DEPT, None, "count"),
    "people",
    "count by department",
    "number of people per department",
    "how many employees by dept",
    "count per dept",
)

# --- time -----------------------------------------------------------------------------------
add(
    REV_BY_MONTH,
    "sales",
    "revenue by month",
    "monthly revenue",
    "revenue per month",
    "revenue over time",
    "revenue trend",
    "show revenue trend by month",
    "line chart of revenue by month",
    "how has revenue changed over time",
    "revenue each month",
    "revenue by date",
    "rev over time pls",
    "revenue month by month",
)
add(
    REV_BY_QUARTER,
    "sales",
    "revenue by quarter",
    "quarterly revenue",
    "revenue per qtr",
    "revenue each quarter",
)
add(REV_BY_YEAR, "sales", "revenue by year", "yearly revenue", "annual revenue", "revenue per year")
add(
    want_group(SALES, quarter, ["Revenue"], chart_type="line", ordered=True, where=IN_2024),
    "sales",
    "revenue by quarter for 2024",
    "2024 revenue by quarter",
    "quarterly revenue in 2024",
    "revenue by quarter, 2024 only",
)
add(
    want_group(SALES, month, ["Units"], chart_type="line", ordered=True, where=IN_2023),
    "sales",
    "units by month for 2023",
    "monthly units 2023",
    "units per month during 2023",
)
add(
    want_group(SALES, REGION, ["Revenue"], where=IN_2024),
    "sales",
    "revenue by region for 2024",
    "2024 revenue by region",
    "revenue by region in 2024",
    "revenue per region (2024)",
)
add(
    want_group(
        SALES, month, ["Revenue"], chart_type="line", ordered=True, where=months_back(SALES, 6)
    ),
    "sales",
    "revenue by month for the last 6 months",
    "revenue over the last 6 months",
    "monthly revenue, past 6 months",
)
add(
    want_group(SALES, month, ["Revenue"], chart_type="area", ordered=True),
    "sales",
    "area chart of revenue by month",
    "revenue by month as an area chart",
)
add(
    want_group(SALES, month, ["Revenue", "Cost"], chart_type="line", ordered=True),
    "sales",
    "revenue and cost by month",
    "revenue & cost over time",
    "monthly revenue and cost",
)
add(
    want_group(
        PEOPLE,
        year.__class__ and (lambda r: str(r["Start Date"].year)),
        None,
        "count",
        chart_type="line",
        ordered=True,
    ),
    "people",
    "count by year",
    "how many people started per year",
    "number of hires by year",
)

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_days, _by_day = grouped(SALES, lambda r: r["Date"].isoweekday(), ["Revenue"], ordered=True)
add(
    Want("line", [DAYS[int(d) - 1] for d in _days], _by_day),
    "sales",
    "revenue by weekday",
    "revenue by day of week",
    "revenue per day of the week",
    "revenue by weekdays",
)


# --- several measures, two groupings --------------------------------------------------------
add(
    want_group(SALES, REGION, ["Revenue", "Cost"], names=["Revenue", "Cost"]),
    "sales",
    "revenue and cost by region",
    "revenue & cost per region",
    "revenue, cost by region",
    "compare revenue and cost by region",
    "rev and cost by region",
)
add(
    want_group(SALES, PRODUCT, ["Units", "Revenue", "Cost"]),
    "sales",
    "units, revenue and cost by product",
)
add(
    REV_REGION_PRODUCT,
    "sales",
    "revenue by region and product",
    "revenue by region & product",
    "grouped bar of revenue by region and product",
    "revenue per region and product",
)
add(
    REV_REGION_PRODUCT_STACKED,
    "sales",
    "stacked revenue by region and product",
    "stacked bar of revenue by region and product",
    "revenue by region and product, stacked",
)
add(UNITS_PRODUCT_STATUS, "sales", "units by product and status", "units per product and status")

# --- scatter --------------------------------------------------------------------------------
add(
    SCATTER_UNITS_REV,
    "sales",
    "units vs revenue",
    "units versus revenue",
    "units vs. revenue",
    "scatter of units and revenue",
    "scatter plot units vs revenue",
    "units against revenue",
    "units and revenue",
)
add(SCATTER_REV_COST, "sales", "revenue vs cost", "revenue compared to cost")
add(SCATTER_AGE_SALARY, "people", "age vs salary", "scatter age salary", "age versus salary")
add(
    SCATTER_EXP_SALARY,
    "people",
    "years experience vs salary",
    "years of experience vs salary",
    "experience vs salary",
)

# --- histograms -----------------------------------------------------------------------------
add(
    hist([r["Units"] for r in SALES]),
    "sales",
    "distribution of units",
    "units distribution",
    "histogram of units",
    "hist of units",
    "units",
    "spread of units",
    "show me the units histogram",
)
add(hist([r["Revenue"] for r in SALES]), "sales", "distribution of revenue", "revenue histogram")
add(
    hist([r["Age"] for r in PEOPLE]),
    "people",
    "age distribution",
    "histogram of ages",
    "distribution of age",
    "ages",
)
add(hist([r["Salary"] for r in PEOPLE]), "people", "salary distribution", "histogram of salaries")
add(
    hist([r["Revenue"] for r in SALES if r["Region"] == "West"]),
    "sales",
    "distribution of revenue in the west",
    "revenue histogram for west",
)

# --- shares and pies ------------------------------------------------------------------------
add(
    want_group(SALES, PRODUCT, ["Revenue"], chart_type="pie"),
    "sales",
    "share of revenue by product",
    "revenue share by product",
    "pie chart of revenue by product",
    "breakdown of revenue by product",
    "revenue by product as a pie",
    "pie of revenue per product",
    "what % of revenue comes from each product",
    "proportion of revenue by product",
)
add(
    want_group(SALES, REGION, ["Units"], chart_type="donut"),
    "sales",
    "donut of units by region",
    "units by region doughnut chart",
    "donut chart units per region",
)
add(
    want_group(PEOPLE, DEPT, None, "count", chart_type="bar", note="too many for a readable pie"),
    "people",
    "share of people by department",
)

# --- top / bottom / sorting -----------------------------------------------------------------
add(
    want_group(SALES, REGION, ["Revenue"], sort="desc", limit=3),
    "sales",
    "top 3 regions by revenue",
    "top three regions by revenue",
    "best 3 regions by revenue",
    "top 3 revenue by region",
    "show the top 3 regions by rev",
)
add(
    want_group(SALES, PRODUCT, ["Revenue"], sort="desc", limit=2),
    "sales",
    "top 2 products by revenue",
    "top-2 products by revenue",
)
add(
    want_group(SALES, REGION, ["Units"], sort="asc", limit=2),
    "sales",
    "bottom 2 regions by units",
    "worst 2 regions by units",
    "lowest 2 regions by units",
)
add(
    want_group(SALES, REGION, ["Revenue"], sort="asc"),
    "sales",
    "revenue by region sorted ascending",
    "revenue by region, lowest to highest",
    "revenue by region in ascending order",
    "revenue by region smallest first",
)
add(
    want_group(SALES, REGION, ["Revenue"], sort="desc"),
    "sales",
    "revenue by region sorted descending",
    "revenue by region highest first",
    "revenue by region, sorted",
    "revenue by region high to low",
)
add(
    want_group(PEOPLE, DEPT, ["Salary"], "mean", sort="desc", limit=3),
    "people",
    "top 3 departments by average salary",
    "top 3 depts by avg salary",
)

# --- filters --------------------------------------------------------------------------------
OPEN = lambda r: r["Status"] == "Open"  # noqa: E731
add(
    want_group(SALES, REGION, ["Revenue"], where=OPEN),
    "sales",
    "revenue by region where status is open",
    "revenue by region for open orders",
    "open revenue by region",
    "revenue by region, only open",
    "revenue by region where status = open",
    "revenue by region (status: open)",
)
add(
    want_group(SALES, REGION, ["Revenue"], where=lambda r: r["Status"] != "Returned"),
    "sales",
    "revenue by region excluding returns",
    "revenue by region excluding returned",
    "revenue by region without returned orders",
    "revenue by region except returned",
    "revenue by region where status is not returned",
)
add(
    want_group(SALES, PRODUCT, ["Revenue"], where=lambda r: r["Region"] == "West"),
    "sales",
    "revenue by product in the West region",
    "west region revenue by product",
    "revenue by product for west",
    "revenue by product, west only",
    "revenue by product where region is west",
    "West revenue by product",
)
add(
    want_group(SALES, REGION, ["Revenue"], where=lambda r: r["Product"] != "Widget"),
    "sales",
    "revenue by region excluding widgets",
    "revenue by region without widgets",
    "revenue by region excluding widgts",
    "revenue by region except widget",
    "revenue by region, no widgets",
)
add(
    want_group(SALES, REGION, ["Units"], where=lambda r: r["Product"] == "Widget"),
    "sales",
    "units by region for widgets",
    "widget units by region",
    "units by region only widgets",
    "units by region where product is widget",
)
add(
    want_group(SALES, REGION, ["Units"], where=lambda r: r["Product"] in ("Widget", "Gadget")),
    "sales",
    "units by region for widgets and gadgets",
    "units by region, widgets or gadgets",
)
add(
    want_group(SALES, PRODUCT, ["Revenue"], where=lambda r: r["Region"] not in ("North", "South")),
    "sales",
    "revenue by product excluding north and south",
)
add(
    want_group(SALES, REGION, ["Revenue"], where=lambda r: r["Region"] != "North"),
    "sales",
    "revenue by region excl. north",
    "revenue by region except for the north",
    "revenue by region other than north",
    "revenue by region apart from north",
)
add(
    want_group(SALES, REGION, ["Revenue"], where=lambda r: r["Status"] == "Closed"),
    "sales",
    "revenue by region if status is closed",
    "revenue by region with status closed",
    "closed deals revenue per region",
    "revenue by region (closed only)",
)
add(
    want_group(SALES, REGION, None, "count", where=lambda r: r["Units"] > 30),
    "sales",
    "count by region where units > 30",
    "count by region where units over 30",
    "how many orders by region with units above 30",
    "count by region, units more than 30",
)
add(
    want_group(SALES, PRODUCT, ["Revenue"], where=lambda r: r["Revenue"] >= 1000),
    "sales",
    "revenue by product where revenue >= 1000",
    "revenue by product where revenue at least 1,000",
    "revenue by product where revenue is at least 1k",
)
add(
    want_group(SALES, REGION, ["Revenue"], where=lambda r: r["Status"] == "Open" and IN_2024(r)),
    "sales",
    "revenue by region for open orders in 2024",
    "2024 open revenue by region",
)
add(
    want_group(PEOPLE, DEPT, ["Salary"], "mean", where=lambda r: r["Remote"]),
    "people",
    "average salary by department where remote is true",
)

# --- chart type and options on file data ----------------------------------------------------
add(
    want_group(SALES, REGION, ["Revenue"], chart_type="pie"),
    "sales",
    "revenue by region as a pie",
    "pie chart revenue by region",
    "revenue by region pie",
)
add(
    want_group(SALES, PRODUCT, ["Revenue"], options={"horizontal": True}),
    "sales",
    "horizontal bar of revenue by product",
    "revenue by product, horizontal",
    "sideways bars of revenue per product",
    "revenue by product as a horizontal bar chart",
)
add(
    want_group(SALES, REGION, ["Revenue"], options={"log_scale": True, "show_values": True}),
    "sales",
    "revenue by region with log scale and show values",
    "revenue by region on a log scale, show the values",
)
add(
    want_group(SALES, REGION, ["Revenue"], style="dark"),
    "sales",
    "revenue by region in dark style",
    "revenue by region, dark theme",
    "dark mode revenue by region",
)
add(
    want_group(SALES, REGION, ["Revenue"], options={"color": "blue"}),
    "sales",
    "revenue by region in blue",
    "revenue by region, blue bars",
)
add(
    want_group(SALES, REGION, ["Revenue"], title="Regional sales"),
    "sales",
    "revenue by region, title: Regional sales",
    'revenue by region titled "Regional sales"',
)
add(
    want_group(SALES, REGION, ["Revenue"], chart_type="line"),
    "sales",
    "line chart of revenue by region",
)

# --- other sheet, loose names ---------------------------------------------------------------
add(
    Want("bar", ["Red", "Blue", "Green"], [[7, 9, 4]]),
    "sales",
    "in sheet Q3 score by team",
    "score by team on the Q3 tab",
    "sheet q3: score per team",
    "score by team from sheet Q3",
)
add(
    want_group(PEOPLE, DEPT, ["Salary"], "mean"),
    "people",
    "average salary by department",
    "avg salary per dept",
    "mean salary by departments",
    "average salaries by deparment",
    "avg salary by dept pls",
)
add(
    want_group(PEOPLE, lambda r: "Yes" if r["Remote"] else "No", ["Rating"], "mean"),
    "people",
    "average rating by remote",
    "avg rating by remote",
)
add(
    want_group(PEOPLE, DEPT, ["Years Experience"], "mean"),
    "people",
    "average years experience by department",
    "avg years_experience per department",
)

# --- inline data ----------------------------------------------------------------------------
add(
    Want("bar", ["apples", "pears"], [[3, 5]]),
    None,
    "apples 3, pears 5",
    "bar chart of apples 3, pears 5",
    "apples: 3, pears: 5",
    "apples=3 pears=5",
    "apples 3 pears 5",
    "plot apples 3 and pears 5 please",
    "3 apples, 5 pears",
    "apples 3; pears 5",
    "apples 3\npears 5",
    "<@U1> chart apples 3, pears 5 :apple:",
    "*apples* 3, _pears_ 5",
    "apples - 3, pears - 5",
)
add(Want("bar", ["A", "B"], [[10, 20]]), None, "A: 10; B: 20", "A=10, B=20", "A 10 B 20")
add(
    Want("line", ["Q1", "Q2", "Q3", "Q4"], [[10, 14, 9, 18]]),
    None,
    "Q1=10 Q2=14 Q3=9 Q4=18",
    "q1: 10, q2: 14, q3: 9, q4: 18".replace("q", "Q"),
    "line chart Q1 10, Q2 14, Q3 9, Q4 18",
    "Q1 10\nQ2 14\nQ3 9\nQ4 18",
)
add(
    Want("bar", ["a", "b", "c"], [[1, 2, 3]]),
    None,
    "labels: a, b, c values: 1, 2, 3",
    "labels: a, b, c; values: 1, 2, 3",
    "labels a,b,c values 1,2,3".replace("labels a", "labels: a").replace("values 1", "values: 1"),
)
add(
    Want("line", ["Jan", "Feb", "Mar"], [[1, 2, 3], [2, 3, 4]], names=["2023", "2024"]),
    None,
    "labels: Jan, Feb, Mar; 2023: 1, 2, 3; 2024: 2, 3, 4",
    "x: Jan, Feb, Mar\n2023: 1, 2, 3\n2024: 2, 3, 4",
)
add(
    Want("scatter", [1, 2, 3, 4], [[2, 4, 6, 8]]),
    None,
    "x: 1, 2, 3, 4 y: 2, 4, 6, 8",
    "scatter x: 1, 2, 3, 4 y: 2, 4, 6, 8",
)
add(
    Want("bar", ["North", "South", "East"], [[1200, 900, 1500.5]], names=["Sales"]),
    None,
    "Region\tSales\nNorth\t1,200\nSouth\t900\nEast\t1,500.50",
    "chart this\nRegion\tSales\nNorth\t1,200\nSouth\t900\nEast\t1,500.50",
    "| Region | Sales |\n|---|---|\n| North | 1,200 |\n| South | 900 |\n| East | 1,500.50 |",
    "Region,Sales\nNorth,1200\nSouth,900\nEast,1500.5",
    "```\nRegion  Sales\nNorth  1,200\nSouth  900\nEast  1,500.50\n```",
)
add(Want("bar", ["North", "South"], [[1200, 900]]), None, "North\t1200\nSouth\t900")
add(
    Want("bar", ["North", "South"], [[10, 12], [11, 15]], names=["2023", "2024"]),
    None,
    "Region\t2023\t2024\nNorth\t10\t11\nSouth\t12\t15",
)
add(
    Want("pie", ["rent", "food", "fun"], [[1200, 450, 300]], prefix="$"),
    None,
    "pie chart: rent $1,200, food $450, fun $300",
    "pie of rent $1.2k, food $450, fun $300",
)
add(
    Want("line", ["q1", "q2", "q3"], [[65, 70, 72.5]], suffix="%"),
    None,
    "growth: q1 65%, q2 70%, q3 72.5%",
    "q1 65 %, q2 70 %, q3 72,5 %",
)
add(
    Want("bar", ["revenue", "costs"], [[1234.5, 987.25]]),
    None,
    "revenue 1.234,5 ; costs 987,25",
    "revenue 1,234.5, costs 987.25",
)
add(
    Want("bar", ["loss", "profit"], [[-300, 200]]),
    None,
    "loss (300), profit 200",
    "loss -300, profit 200",
    "loss −300, profit 200",
)
add(
    Want("line", ["2019", "2020", "2021"], [[10, 12, 15]]),
    None,
    "2019 10, 2020 12, 2021 15",
    "2019: 10; 2020: 12; 2021: 15",
)
add(
    Want("line", ["jan", "feb", "mar"], [[10, 12, 9]]),
    None,
    "<@U123> line chart jan 10 feb 12 mar 9 :chart_with_upwards_trend:",
    "jan 10, feb 12, mar 9",
)
add(
    Want("bar", ["EU", "US", "APAC"], [[2_500_000, 1_200_000, 3_000_000_000]], prefix="€"),
    None,
    "EU €2.5M, US €1.2M, APAC €3bn",
)
add(Want("bar", ["a", "b"], [[1200, 3500]]), None, "a 1.2k, b 3.5k", "a 1.2K; b 3.5K")
add(
    Want("pie", ["apples", "pears"], [[3, 5]]),
    None,
    "pie chart: apples 3, pears 5",
    "apples 3, pears 5 as a pie",
    "make a pie chart of apples 3 and pears 5",
)
add(
    Want("donut", ["apples", "pears"], [[3, 5]]),
    None,
    "donut apples 3, pears 5",
    "doughnut chart: apples 3, pears 5",
)
add(
    Want("bar", ["apples", "pears"], [[3, 5]], options={"horizontal": True}),
    None,
    "horizontal bar chart apples 3, pears 5",
)
add(
    Want("bar", ["pears", "apples", "plums"], [[5, 3, 2]]),
    None,
    "apples 3, pears 5, plums 2 sorted descending",
)
add(Want("bar", ["Mon", "Tue"], [[3, 4]]), None, "bar chart Mon 3, Tue 4")
add(Want("bar", ['"quoted" label', "other"], [[1, 2]]), None, "“quoted” label 1, other 2")
add(Want("bar", ["apples", "pears"], [[3, 5]]), "sales", "apples 3, pears 5")  # data wins over file


# --- awkward real-world headers (orders.csv) ---------------------------------------------------
CAT = lambda r: r["Category"]  # noqa: E731
SUB = lambda r: r["Sub-Category"]  # noqa: E731
MODE = lambda r: r["Ship Mode"]  # noqa: E731
add(
    want_group(ORDERS, CAT, ["Sales Amount ($)"], note="Sales Amount ($)"),
    "orders",
    "sales by category",
    "sales per category",
    "total sales by category",
    "sales $ by category",
)
add(want_group(ORDERS, CAT, ["Sales Amount ($)"]), "orders", "sales amount by category")
add(
    want_group(ORDERS, SUB, ["QTY"]),
    "orders",
    "qty by sub-category",
    "quantity by sub category",
    "qty per subcategory",
    "quantities by sub-category",
)
add(
    want_group(ORDERS, CAT, ["Unit Price"], "mean"),
    "orders",
    "avg unit price per category",
    "average price by category",
)
add(
    want_group(ORDERS, MODE, ["Profit Margin %"], "mean", note="Averaging"),
    "orders",
    "profit margin by ship mode",
    "margin by shipping mode",
)
add(
    want_group(ORDERS, lambda r: r["Cust_Name"], ["Sales Amount ($)"], sort="desc", limit=3),
    "orders",
    "top 3 customers by sales",
    "top 3 cust names by sales amount",
)
add(
    want_group(
        ORDERS,
        SUB,
        ["Sales Amount ($)"],
        where=lambda r: r["Sub-Category"] not in ("Chairs", "Tables"),
    ),
    "orders",
    "sales by sub-category excluding chairs and tables",
    "sales by subcategory without chairs, tables",
)
add(
    want_group(ORDERS, CAT, ["Sales Amount ($)"], where=lambda r: r["Ship Mode"] == "Same Day"),
    "orders",
    "sales by category where ship mode is same day",
    "same day sales by category",
    "sales by category, same-day shipping only",
)
add(
    want_group(
        ORDERS,
        lambda r: month(r, "Order Date"),
        ["Sales Amount ($)"],
        chart_type="line",
        ordered=True,
    ),
    "orders",
    "monthly sales",
    "sales over time",
    "sales by order month",
)
add(
    Want("scatter", [r["Unit Price"] for r in ORDERS], [[r["QTY"] for r in ORDERS]]),
    "orders",
    "price vs quantity",
    "unit price vs qty",
)
add(
    hist([r["Unit Price"] for r in ORDERS]),
    "orders",
    "distribution of unit price",
    "histogram of prices",
)


# --- rows counted by what they are; people's words for columns ------------------------------
add(
    want_group(PEOPLE, DEPT, None, "count"),
    "people",
    "headcount by department",
    "employees per dept",
    "staff by department",
    "how many people in each department",
)
add(
    want_group(PEOPLE, DEPT, None, "count", where=lambda r: r["Age"] > 40),
    "people",
    "count of people older than 40 by department",
    "employees older than 40 per department",
)
add(
    want_group(PEOPLE, DEPT, None, "count", where=lambda r: r["Remote"]),
    "people",
    "remote employees by department",
    "remote staff per dept",
    "count by department, remote only",
)
add(
    want_group(
        PEOPLE, lambda r: str(r["Start Date"].year), None, "count", chart_type="line", ordered=True
    ),
    "people",
    "hires per year",
    "new hires by start year",
)
add(
    want_group(PEOPLE, DEPT, None, "count", where=lambda r: r["Start Date"].year > 2020),
    "people",
    "people who started after 2020 by department",
)
add(
    want_group(
        PEOPLE,
        lambda r: str(r["Start Date"].year),
        ["Salary"],
        "mean",
        chart_type="line",
        ordered=True,
    ),
    "people",
    "average salary by start year",
)
add(
    want_group(PEOPLE, lambda r: r["Years Experience"], ["Rating"], "mean", ordered=True),
    "people",
    "avg rating by years of experience",
)


# --- year over year: one series per year ----------------------------------------------------
def _yoy(key, where=lambda r: True, labels=None):
    years = ["2023", "2024"]
    keys = labels or list(dict.fromkeys(key(r) for r in SALES if where(r)))
    series = [
        [sum(r["Revenue"] for r in SALES if key(r) == k and str(r["Date"].year) == y) for k in keys]
        for y in years
    ]
    return keys, series


_k, _s = _yoy(REGION)
add(
    Want("bar", _k, _s, names=["2023", "2024"]),
    "sales",
    "compare 2023 and 2024 revenue by region",
    "revenue by region, 2023 vs 2024",
    "revenue by region for 2023 and 2024",
)
_k, _s = _yoy(lambda r: f"Q{(r['Date'].month - 1) // 3 + 1}", labels=["Q1", "Q2", "Q3", "Q4"])
add(
    Want("line", _k, _s, names=["2023", "2024"]),
    "sales",
    "revenue per quarter 2023 vs 2024",
    "quarterly revenue 2023 versus 2024",
)
_months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_k, _s = _yoy(lambda r: _months[r["Date"].month - 1], labels=_months)
add(Want("line", _k, _s, names=["2023", "2024"]), "sales", "monthly revenue 2023 vs 2024")

# --- more inline forms ------------------------------------------------------------------------
add(
    Want("line", ["mon", "tue", "wed"], [[12, 14, 9]]),
    None,
    "line chart 12, 14, 9 for mon tue wed",
    "12 14 9 for mon, tue, wed",
    "mon tue wed: 12, 14, 9",
    "mon, tue, wed = 12, 14, 9",
    "chart the values 12, 14, 9 for mon, tue and wed",
)
add(
    Want("bar", ["apples", "pears", "plums"], [[3, 5, 8]]),
    None,
    "bar chart of 3, 5, 8 for apples, pears, plums",
    "3, 5 and 8 for apples, pears and plums",
    "apples, pears, plums: 3, 5, 8",
)
add(
    Want("bar", ["north", "south", "east"], [[10, 20, 30]], names=["sales"]),
    None,
    "sales of 10, 20 and 30 for north, south and east",
)
add(
    Want("line", ["2021", "2022", "2023"], [[1_200_000, 1_500_000, 1_900_000]], title="Revenue"),
    None,
    "revenue 2021: 1.2M, 2022: 1.5M, 2023: 1.9M",
)
add(
    Want("line", ["Q1 2023", "Q2 2023", "Q3 2023"], [[5, 7, 9]], title="Signups"),
    None,
    "signups Q1 2023: 5, Q2 2023: 7, Q3 2023: 9",
)
# A name before the numbers is not a list of labels.
add(Want("bar", ["1", "2"], [[100, 200]]), None, "total revenue: 100, 200", "sales: 100, 200")
add(
    Want("line", ["Jan", "Feb", "Mar", "Apr"], [[120, 135, 160, 150]], title="Monthly signups"),
    None,
    "Monthly signups Jan: 120 Feb: 135 Mar: 160 Apr: 150",
    "monthly signups: Jan 120, Feb 135, Mar 160, Apr 150".replace("monthly", "Monthly"),
)
add(Want("line", ["Q1", "Q2", "Q3"], [[10, 20, 30]]), None, "Q1\tQ2\tQ3\n10\t20\t30")
add(
    Want(
        "bar",
        ["a", "b", "c"],
        [[1, 2, 3], [2, 3, 4]],
        names=["2023", "2024"],
        options={"stacked": True},
    ),
    None,
    "stacked bar: 2023: 1,2,3; 2024: 2,3,4; labels: a, b, c",
)
add(
    Want("pie", ["chrome", "safari", "firefox", "other"], [[65, 19, 4, 12]], suffix="%"),
    None,
    "chrome 65%, safari 19%, firefox 4%, other 12% as a pie",
    "browser share: chrome 65%, safari 19%, firefox 4%, other 12%",
)
add(
    Want("bar", ["dogs", "cats", "birds"], [[4, 7, 2]]),
    None,
    "dogs=4, cats=7, birds=2",
    "bar graph: dogs 4 cats 7 birds 2",
    "Dogs 4\nCats 7\nBirds 2".lower(),
)
add(
    Want("line", ["2021", "2022", "2023"], [[1_200_000, 1_500_000, 2_100_000]]),
    None,
    "2021: 1.2M, 2022: 1.5M, 2023: 2.1M",
    "2021 1.2m; 2022 1.5m; 2023 2.1m",
)
add(
    Want("bar", ["north", "south"], [[10, 20]]),
    None,
    "categories: north, south values: 10, 20",
    "values: 10, 20 labels: north, south",
)
add(
    Want("line", ["mon", "tue", "wed", "thu", "fri"], [[5, 7, 3, 9, 4]]),
    None,
    "mon 5 tue 7 wed 3 thu 9 fri 4",
)
add(
    Want("bar", ["Paris", "Berlin"], [[2_100_000, 3_600_000]], names=["pop"]),
    None,
    "city\tpop\nParis\t2.1M\nBerlin\t3.6M",
)


add(
    Want("line", ["2020", "2021", "2022"], [[100, 120, 150]]),
    None,
    "2020\t2021\t2022\n100\t120\t150",
)
add(
    Want(
        "line",
        ["2022", "2023", "2024"],
        [[1_200_000, 1_800_000, 2_300_000]],
        title="Revenue",
        prefix="$",
    ),
    None,
    "revenue: 2022 = $1.2M, 2023 = $1.8M, 2024 = $2.3M",
)
add(
    Want("bar", ["Product A", "Product B", "Product C"], [[120, 95, 143]]),
    None,
    "bar chart showing Product A 120, Product B 95, Product C 143",
)
add(
    Want("donut", ["cats", "dogs", "birds"], [[12, 9, 3]]),
    None,
    "can you make a donut with cats 12 dogs 9 birds 3 pls",
)
add(
    Want("bar", ["North", "South", "East", "West"], [[1200, 950, 1100, 870]], title="Sales (in $)"),
    None,
    "Sales (in $): North=1200, South=950, East=1100, West=870",
)


add(
    Want("line", ["Jan", "Feb", "Mar"], [[1, 2, 3], [2, 3, 4]], names=["2023", "2024"]),
    None,
    "Jan, Feb, Mar; 2023: 1, 2, 3; 2024: 2, 3, 4",
)
add(
    Want("bar", ["north", "south", "east"], [[10, 20, 30], [5, 8, 12]], names=["sales", "costs"]),
    None,
    "north, south, east\nsales: 10, 20, 30\ncosts: 5, 8, 12",
)


def _check_histogram(spec, values: list[float]) -> None:
    labels = spec.x_labels
    edges = []
    for label in labels:
        lo, hi = label.split("–")
        edges.append((float(lo), float(hi)))
    for (_a, b), (c, _) in itertools.pairwise(edges):
        assert b == c, "bins must be contiguous"
    assert edges[0][0] <= min(values) and max(values) < edges[-1][1]
    counts = [sum(1 for v in values if a <= v < b) for a, b in edges]
    assert spec.series[0].values == counts
    assert 3 <= len(labels) <= 30


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-6)


@pytest.mark.parametrize(("text", "dataset", "want"), CASES, ids=[c[0][:60] for c in CASES])
def test_phrasing_gives_expected_chart(text: str, dataset: str | None, want: Want) -> None:
    ds = DATASETS[dataset]
    ctx = Context(dataset=ds, files=[ds.filename] if ds else [])
    result = understand(text, ctx)
    assert isinstance(result, ChartResult), getattr(result, "message", result)
    spec = result.spec
    validate(spec)  # the renderer accepts it as it is
    assert str(spec.chart_type) == want.chart_type
    if want.chart_type == "histogram":
        _check_histogram(spec, want.series[0])
        return
    if want.chart_type == "scatter":
        assert all(_close(a, b) for a, b in zip(spec.x_labels, want.labels, strict=True))
    else:
        assert [str(x) for x in spec.x_labels] == [str(x) for x in want.labels]
    assert len(spec.series) == len(want.series)
    for got, expected in zip(spec.series, want.series, strict=True):
        assert all(_close(a, b) for a, b in zip(got.values, expected, strict=True)), (
            got.values,
            expected,
        )
    if want.names is not None:
        assert [s.name for s in spec.series] == want.names
    for key, value in want.options.items():
        assert getattr(spec.options, key) == value, key
    if want.style:
        assert spec.style == want.style
    if want.title:
        assert spec.title == want.title
    if want.note:
        assert any(want.note in n for n in result.notes), result.notes
    if want.prefix is not None:
        assert spec.number_format.prefix == want.prefix
    if want.suffix is not None:
        assert spec.number_format.suffix == want.suffix
    assert spec.source == ("inline" if want.chart_type and dataset is None else spec.source)


def test_there_are_enough_phrasings() -> None:
    assert len(CASES) >= 250
