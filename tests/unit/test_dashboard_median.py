"""The dashboard's median of counted values agrees with the median of the values themselves."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from smsgateway.dashboard import _median


@pytest.mark.parametrize(
    "values",
    [
        [5.0],
        [1.0, 2.0, 10.0],
        [3.0, 1.0, 3.0, 1.0],
        [0.4, 0.4, 0.4, 30.3],
        [2.5, 7.0, 7.0, 9.1, 12.0],
    ],
)
def test_the_median_of_counted_values_is_the_median_of_the_values(values: list[float]) -> None:
    counted = sorted(Counter(values).items())
    assert _median(counted) == pytest.approx(statistics.median(values))
