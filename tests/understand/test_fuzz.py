"""Random word salads from the request vocabulary: every one gives a chart, a command or a
refusal — the inner function is called so that a bug shows up as an exception here."""

from __future__ import annotations

import random

from bot.understand import ChartResult, Command, Context, NotUnderstood, _understand, understand
from tests.understand.data import orders_dataset, sales_dataset

_VOCABULARY = (
    "revenue units cost region product status date by per and vs for in where is not only "
    "excluding top bottom 3 5 2024 2023 q1 march monthly over time average sum count max min "
    "pie bar line horizontal stacked log scale show values title: x axis: dark blue share of "
    "distribution histogram widgets west open returned > < = 1,000 $5k 10% (300) :tada: <@U1> "
    "*bold* sheet Q3 from sales.xlsx instead add remove sorted ascending last 6 months this year "
    "apples 3, pears 5 ; \t \n | labels: values: x: y: qty sub-category cust_name ship mode"
)
WORDS = _VOCABULARY.split(" ")


def test_word_salad_never_breaks() -> None:
    rng = random.Random(20261127)
    sales, orders = sales_dataset(), orders_dataset()
    previous = understand("revenue by region", Context(dataset=sales)).spec
    contexts = [
        Context(),
        Context(dataset=sales),
        Context(dataset=sales, previous=previous),
        Context(dataset=orders),
    ]
    for _ in range(1500):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
        ctx = rng.choice(contexts)
        result = _understand(text, ctx)
        assert isinstance(result, ChartResult | Command | NotUnderstood), text
        if isinstance(result, ChartResult):
            spec = result.spec
            assert all(len(s.values) == len(spec.x_labels) for s in spec.series), text
            assert spec.series, text
