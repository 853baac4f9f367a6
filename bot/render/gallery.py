"""Every chart type × style on realistic data, written as PNGs for a person to look at.

python -m bot.render.gallery OUTDIR [--style NAME ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
from pathlib import Path

import numpy as np

from bot.render.draw import render_png
from bot.spec import STYLES, Aggregation, ChartOptions, ChartSpec, ChartType, NumberFormat, Series

USD = NumberFormat(prefix="$")


def _months(start: int, count: int) -> list[str]:
    return [f"{start + (m // 12)}-{m % 12 + 1:02d}" for m in range(count)]


def gallery_specs() -> dict[str, ChartSpec]:
    """Named specs covering every chart type and the awkward cases (negatives, gaps, 40 labels)."""
    rng = np.random.default_rng(2024)
    regions = ["North", "South", "East", "West", "Central"]
    region_revenue = [310_000.0, 540_500.0, 882_000.0, 1_204_000.0, 458_250.0]
    months = _months(2022, 36)
    trend = np.linspace(80_000, 160_000, 36) * (1 + 0.12 * np.sin(np.arange(36) / 12 * 2 * np.pi))
    quarters = [f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]
    products = [f"Product {name}" for name in _product_names(40)]
    days = [(dt.date(2023, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(1000)]
    walks = np.cumsum(rng.normal(0, 1, (4, 1000)), axis=1) + np.array([[50], [40], [30], [20]])
    price = rng.gamma(4, 12, 10_000)
    rating = np.clip(2.2 + price / 60 + rng.normal(0, 0.6, 10_000), 1, 5)
    ages = np.clip(rng.normal(41, 12, 2_000), 15, 79.9)
    age_edges = list(range(15, 85, 5))
    age_counts, _ = np.histogram(ages, bins=age_edges)
    file = {"source": "file", "source_file": "sales.xlsx", "sheet": "2024"}
    profit = [12_400, 8_100, -3_200, 5_600, -7_900, 2_300, 9_800, 14_100, -1_500, 6_700]
    profit += [11_200, 15_900]
    return {
        "bar": ChartSpec(
            ChartType.BAR, "Revenue by Region", regions, [Series("Revenue", region_revenue)],
            x_label="Region", y_label="Revenue", aggregation=Aggregation.SUM, rows=120,
            number_format=USD, **file,
        ),
        "bar_long_labels": ChartSpec(
            ChartType.BAR, "Units sold by category", [
                "Outdoor furniture and garden", "Kitchen appliances", "Bedding and bath linen",
                "Home office equipment", "Lighting and lamps", "Children's toys and games",
            ],
            [Series("Units", [1840, 2210, 960, 1530, 720, 1310])],
            x_label="Category", y_label="Units", aggregation=Aggregation.SUM, rows=8_571,
            options=ChartOptions(show_values=True), **file,
        ),
        "bar_grouped": ChartSpec(
            ChartType.BAR, "Revenue and cost by quarter", quarters, [
                Series("Revenue", [420e3, 455e3, 470e3, 530e3, 510e3, 560e3, 590e3, 640e3]),
                Series("Cost", [310e3, 330e3, 350e3, 380e3, 360e3, 400e3, 410e3, 430e3]),
            ],
            x_label="Quarter", y_label="USD", aggregation=Aggregation.SUM, rows=2_400,
            number_format=USD, **file,
        ),
        "bar_stacked": ChartSpec(
            ChartType.BAR, "Sales by region and year", regions, [
                Series(str(year), [v * f for v in region_revenue])
                for year, f in ((2022, 0.7), (2023, 0.85), (2024, 1.0))
            ],
            x_label="Region", y_label="Sales", aggregation=Aggregation.SUM, rows=360,
            options=ChartOptions(stacked=True), number_format=USD, **file,
        ),
        "bar_40_products": ChartSpec(
            ChartType.BAR, "Revenue by product", products,
            [Series("Revenue", list(np.round(rng.lognormal(10, 0.8, 40), 2)))],
            x_label="Product", y_label="Revenue", aggregation=Aggregation.SUM, rows=5_210,
            number_format=USD, **file,
        ),
        "bar_negative_profit": ChartSpec(
            ChartType.BAR, "Monthly profit 2024", _months(2024, 12),
            [Series("Profit", [float(v) for v in profit])],
            x_label="Month", y_label="Profit", aggregation=Aggregation.SUM, rows=1_830,
            number_format=USD, options=ChartOptions(show_values=True), **file,
        ),
        "bar_inline": ChartSpec(
            ChartType.BAR, "", ["apples", "pears", "plums"], [Series("value", [3.0, 5.0, 2.0])],
        ),
        "line": ChartSpec(
            ChartType.LINE, "Monthly revenue", months, [Series("Revenue", list(np.round(trend)))],
            x_label="Month", y_label="Revenue", aggregation=Aggregation.SUM, rows=14_200,
            number_format=USD, **file,
        ),
        "line_4x1000": ChartSpec(
            ChartType.LINE, "Daily sensor readings", days,
            [Series(f"Sensor {i + 1}", list(np.round(w, 2))) for i, w in enumerate(walks)],
            x_label="Date", y_label="Reading",
        ),
        "line_gaps": ChartSpec(
            ChartType.LINE, "Conversion rate by month (missing months left blank)",
            _months(2024, 12),
            [
                Series("Web", [3.1, 3.4, None, 3.9, 4.2, 4.0, None, None, 4.8, 5.1, 5.0, 5.6]),
                Series("App", [2.2, 2.5, 2.4, 2.9, None, 3.3, 3.6, 3.5, 3.9, None, 4.4, 4.6]),
            ],
            x_label="Month", y_label="Conversion", number_format=NumberFormat(suffix="%"),
            aggregation=Aggregation.MEAN, rows=24, options=ChartOptions(show_values=True),
            **file,
        ),
        "area_stacked": ChartSpec(
            ChartType.AREA, "Orders by channel", quarters, [
                Series("Web", [1200, 1350, 1500, 1720, 1800, 1990, 2100, 2350]),
                Series("Store", [900, 880, 860, 900, 870, 850, 820, 800]),
                Series("Phone", [300, 280, 260, 240, 230, 210, 200, 180]),
            ],
            x_label="Quarter", y_label="Orders", aggregation=Aggregation.COUNT, rows=26_210,
            **file,
        ),
        "pie": ChartSpec(
            ChartType.PIE, "Share of revenue by region", regions,
            [Series("Revenue", region_revenue)], x_label="Region", y_label="Revenue",
            aggregation=Aggregation.SUM, rows=120, number_format=USD, **file,
        ),
        "donut_many": ChartSpec(
            ChartType.DONUT, "Tickets by team", [
                "Billing", "Support", "Sales", "Platform", "Mobile", "Web", "Data",
                "Security", "Legal", "HR", "Facilities", "Finance",
            ],
            [Series("Tickets", [420.0, 380, 260, 190, 150, 120, 90, 60, 30, 22, 15, 9])],
            x_label="Team", aggregation=Aggregation.COUNT, rows=1_746, **file,
        ),
        "scatter_10k": ChartSpec(
            ChartType.SCATTER, "Rating vs price", list(np.round(price, 2)),
            [Series("Rating", list(np.round(rating, 2)))], x_label="Price ($)",
            y_label="Rating", rows=10_000, options=ChartOptions(trend_line=True), **file,
        ),
        "histogram": ChartSpec(
            ChartType.HISTOGRAM, "Distribution of customer age",
            [f"{lo}–{hi}" for lo, hi in itertools.pairwise(age_edges)],
            [Series("Customers", [float(c) for c in age_counts])], x_label="Age",
            y_label="Customers", aggregation=Aggregation.COUNT, rows=2_000, **file,
        ),
    }  # fmt: skip


MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def hard_specs() -> dict[str, ChartSpec]:
    """The cases that break naive charts: many or long labels, month names, negatives, a wide
    range, a log axis, six series, one value."""
    rng = np.random.default_rng(15)
    long_names = [
        f"{word} — premium edition with extended warranty and accessories pack"[:60]
        for word in ("Alpha", "Nova", "Terra", "Vista", "Pulse", "Orbit")
    ]
    names = ["Ann", "Bartholomew", "Chen", "Dolores", "Eve", "Friedrich", "Gu", "Hildegard",
             "Ivo", "Jacqueline"]  # fmt: skip
    series6 = [
        Series(f"Team {name}", list(np.round(rng.uniform(20, 90, 12), 1)))
        for name in ("Atlas", "Borealis", "Cygnus", "Draco", "Eridanus", "Fornax")
    ]
    return {
        "hard_40_categories": ChartSpec(
            ChartType.BAR, "Units by store", [f"Store {i + 1}" for i in range(40)],
            [Series("Units", list(np.round(rng.uniform(100, 900, 40))))], x_label="Store",
            y_label="Units", aggregation=Aggregation.SUM, rows=4_000,
        ),
        "hard_60_char_labels": ChartSpec(
            ChartType.BAR, "Revenue by product", long_names,
            [Series("Revenue", [42_000.0, 38_500, 27_000, 21_300, 12_800, 9_900])],
            x_label="Product", y_label="Revenue", number_format=USD,
        ),
        "hard_month_names_bar": ChartSpec(
            ChartType.BAR, "Visitors by month", MONTH_NAMES,
            [Series("Visitors", [float(v) for v in rng.integers(800, 4000, 12)])],
            x_label="Month", y_label="Visitors",
        ),
        "hard_month_names_line": ChartSpec(
            ChartType.LINE, "Visitors by month", MONTH_NAMES,
            [Series("Visitors", [float(v) for v in rng.integers(800, 4000, 12)])],
            x_label="Month", y_label="Visitors",
        ),
        "hard_age_by_name": ChartSpec(
            ChartType.BAR, "Age by name", names,
            [Series("Age", [34.0, 51, 29, 62, 45, 38, 27, 70, 33, 41])],
            x_label="Name", y_label="Age",
        ),
        "hard_negative": ChartSpec(
            ChartType.BAR, "Change by account", ["Cash", "Stock", "Bonds", "Loans", "Fees"],
            [Series("Change", [-12_500.0, 8_200, -3_100, -17_800, 2_400])],
            x_label="Account", y_label="Change", number_format=USD,
        ),
        "hard_million_range": ChartSpec(
            ChartType.BAR, "Downloads by app", ["Maps", "Mail", "Notes", "Chess", "Radio"],
            [Series("Downloads", [1_000_000.0, 640_000, 85_000, 3_200, 0])],
            x_label="App", y_label="Downloads",
        ),
        "hard_log_scale": ChartSpec(
            ChartType.BAR, "Population by place", ["Hamlet", "Village", "Town", "City", "Metro"],
            [Series("Population", [40.0, 900, 25_000, 610_000, 8_400_000])],
            x_label="Place", y_label="Population", options=ChartOptions(log_scale=True),
        ),
        "hard_log_one_decade": ChartSpec(
            ChartType.LINE, "Response time by week", [f"Week {i}" for i in range(1, 9)],
            [Series("Milliseconds", [35.0, 48, 62, 90, 120, 150, 210, 330])],
            x_label="Week", y_label="Milliseconds", options=ChartOptions(log_scale=True),
        ),
        "hard_6_series_line": ChartSpec(
            ChartType.LINE, "Score by month and team", _months(2024, 12), series6,
            x_label="Month", y_label="Score",
        ),
        "hard_6_series_bar": ChartSpec(
            ChartType.BAR, "Score by quarter and team", ["Q1", "Q2", "Q3", "Q4"],
            [Series(s.name, s.values[:4]) for s in series6], x_label="Quarter",
            y_label="Score",
        ),
        "hard_one_value": ChartSpec(
            ChartType.BAR, "Total revenue", ["Total"], [Series("Revenue", [1_234_567.0])],
            y_label="Revenue", number_format=USD,
        ),
        "hard_one_value_line": ChartSpec(
            ChartType.LINE, "Revenue in January", ["2024-01"], [Series("Revenue", [4_200.0])],
            x_label="Month", y_label="Revenue", number_format=USD,
        ),
    }  # fmt: skip


def _product_names(count: int) -> list[str]:
    words = ["Alpha", "Nova", "Terra", "Vista", "Pulse", "Orbit", "Zen", "Flux", "Echo", "Lumen"]
    return [f"{words[i % 10]} {100 + i * 7}" for i in range(count)]


def write_gallery(outdir: Path, styles: tuple[str, ...] = STYLES) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for style in styles:
        for name, spec in {**gallery_specs(), **hard_specs()}.items():
            path = outdir / f"{name}-{style}.png"
            path.write_bytes(render_png(spec.evolve(style=style)))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.render.gallery", description=__doc__)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--style", action="append", choices=STYLES, help="only these styles")
    args = parser.parse_args(argv)
    written = write_gallery(args.outdir, tuple(args.style or STYLES))
    print(f"wrote {len(written)} charts to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
