"""Test datasets built directly as bot.table objects (no spreadsheet reading involved)."""

from __future__ import annotations

import datetime as dt

from bot.spec import NumberFormat
from bot.table import Column, ColumnType, Dataset, Table

REGIONS = ["North", "South", "East", "West"]
PRODUCTS = ["Widget", "Gadget", "Gizmo"]
STATUSES = ["Open", "Closed", "Returned"]


def sales_rows() -> list[dict]:
    rows = []
    for i in range(120):
        month = i % 24
        date = dt.date(2023 + month // 12, month % 12 + 1, 1 + (i * 7) % 28)
        units = 5 + (i * 37) % 40
        price = (10, 25, 40)[i % 3]
        rows.append(
            {
                "Date": date,
                "Region": REGIONS[(i * 3 + i // 7) % 4],
                "Product": PRODUCTS[i % 3],
                "Units": units,
                "Revenue": units * price + (i % 5) * 0.5,
                "Cost": round(units * price * 0.6, 2),
                "Status": STATUSES[(i * 5 + 1) % 3] if i % 11 else "Returned",
            }
        )
    return rows


def sales_dataset(filename: str = "sales.xlsx") -> Dataset:
    rows = sales_rows()

    def col(name: str, ctype: ColumnType, fmt: NumberFormat | None = None) -> Column:
        return Column(name, ctype, [r[name] for r in rows], fmt or NumberFormat())

    table = Table(
        "2024",
        [
            col("Date", ColumnType.DATE),
            col("Region", ColumnType.TEXT),
            col("Product", ColumnType.TEXT),
            col("Units", ColumnType.NUMBER),
            col("Revenue", ColumnType.NUMBER, NumberFormat(prefix="$")),
            col("Cost", ColumnType.NUMBER, NumberFormat(prefix="$")),
            col("Status", ColumnType.TEXT),
        ],
        notes=["ignored the Total row"],
    )
    q3 = Table(
        "Q3",
        [
            Column("Team", ColumnType.TEXT, ["Red", "Blue", "Green"]),
            Column("Score", ColumnType.NUMBER, [7, 9, 4]),
        ],
    )
    return Dataset("F1", filename, 5011, {"2024": table, "Q3": q3}, "2024", ["2024", "Q3", "Notes"])


FIRST = ["Ann", "Bob", "Cid", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jon"]
DEPTS = ["Sales", "Engineering", "Support", "Marketing", "Finance", "Legal", "Ops"]


def people_rows() -> list[dict]:
    rows = []
    for i in range(60):
        rows.append(
            {
                "Name": f"{FIRST[i % 10]} {i}",
                "Age": 22 + (i * 13) % 41,
                "Department": DEPTS[(i * 3) % 7],
                "Salary": 40000 + ((i * 7919) % 60) * 1000,
                "Start Date": dt.date(2015 + i % 9, (i % 12) + 1, 15),
                "Rating": round(2.5 + ((i * 17) % 25) / 10, 1),
                "Remote": bool(i % 3 == 0),
                "Years Experience": (i * 7) % 25,
            }
        )
    return rows


def people_dataset() -> Dataset:
    rows = people_rows()
    types = {
        "Name": ColumnType.TEXT,
        "Age": ColumnType.NUMBER,
        "Department": ColumnType.TEXT,
        "Salary": ColumnType.NUMBER,
        "Start Date": ColumnType.DATE,
        "Rating": ColumnType.NUMBER,
        "Remote": ColumnType.BOOL,
        "Years Experience": ColumnType.NUMBER,
    }
    cols = [Column(n, t, [r[n] for r in rows]) for n, t in types.items()]
    cols[3].number_format = NumberFormat(prefix="$")
    return Dataset("F2", "people.xlsx", 4000, {"Staff": Table("Staff", cols)}, "Staff", ["Staff"])


def big_dataset(n: int) -> Dataset:
    regions = ["North", "South", "East", "West"]
    products = ["Widget", "Gadget", "Gizmo", "Doohickey", "Thing"]
    start = dt.date(2022, 1, 1)
    dates = [start + dt.timedelta(days=(i * 7) % 1095) for i in range(n)]
    cols = [
        Column("Date", ColumnType.DATE, dates),
        Column("Region", ColumnType.TEXT, [regions[(i * 7) % 4] for i in range(n)]),
        Column("Product", ColumnType.TEXT, [products[(i * 3) % 5] for i in range(n)]),
        Column("Units", ColumnType.NUMBER, [1 + (i * 37) % 50 for i in range(n)]),
        Column(
            "Revenue",
            ColumnType.NUMBER,
            [float((i * 7919) % 5000) / 4 for i in range(n)],
            NumberFormat(prefix="$"),
        ),
        Column("Status", ColumnType.TEXT, [("Open", "Closed")[i % 2] for i in range(n)]),
    ]
    return Dataset("B", "big.xlsx", 0, {"Data": Table("Data", cols)}, "Data", ["Data"])


def orders_rows() -> list[dict]:
    """A table with awkward real-world headers: units in names, underscores, abbreviations."""
    cats = ["Furniture", "Office Supplies", "Technology"]
    subs = ["Chairs", "Tables", "Paper", "Binders", "Phones"]
    modes = ["First Class", "Standard Class", "Same Day"]
    rows = []
    for i in range(45):
        qty = i % 7 + 1
        price = 10.5 + i
        rows.append(
            {
                "Order Date": dt.date(2024, 1 + i % 12, 1 + i % 27),
                "Cust_Name": f"Cust {i % 5}",
                "Category": cats[i % 3],
                "Sub-Category": subs[i % 5],
                "QTY": qty,
                "Unit Price": price,
                "Sales Amount ($)": round(qty * price, 2),
                "Profit Margin %": 5 + i % 20,
                "Ship Mode": modes[(i // 3) % 3],
            }
        )
    return rows


def orders_dataset() -> Dataset:
    rows = orders_rows()
    types = {
        "Order Date": ColumnType.DATE,
        "Cust_Name": ColumnType.TEXT,
        "Category": ColumnType.TEXT,
        "Sub-Category": ColumnType.TEXT,
        "QTY": ColumnType.NUMBER,
        "Unit Price": ColumnType.NUMBER,
        "Sales Amount ($)": ColumnType.NUMBER,
        "Profit Margin %": ColumnType.NUMBER,
        "Ship Mode": ColumnType.TEXT,
    }
    fmts = {
        "Unit Price": NumberFormat(prefix="$"),
        "Sales Amount ($)": NumberFormat(prefix="$"),
        "Profit Margin %": NumberFormat(suffix="%"),
    }
    cols = [
        Column(n, t, [r[n] for r in rows], fmts.get(n, NumberFormat())) for n, t in types.items()
    ]
    return Dataset(
        "F3", "orders.csv", 3000, {"orders": Table("orders", cols)}, "orders", ["orders"]
    )
