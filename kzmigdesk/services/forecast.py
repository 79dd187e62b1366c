"""When will a quota run out? A plain forecast from this year's monthly issuance and, where
earlier years exist, their seasonal shape. The method (also in the README):

1. The year's shape: the share of a year's issuance that falls in each month. With at least
   MIN_HISTORY permits (or granted cases) in the earlier years, each month's share is its
   count over those years plus one, over their total plus twelve (the one keeps a month
   that happened to be empty from counting as impossible). Otherwise every day weighs the
   same. Within a month every day weighs the same.
2. The pace: the issuance so far this year divided by the share of the year's weight that
   has passed by today gives the expected issuance of the whole year.
3. The run-out day: the first day on which the issuance so far plus the pace times the
   weight of the days since today reaches the quota. None when that is after 31 December.
4. The range: the same with the count so far taken at the ends of its 90 % range, n ± 1.645·√n
   (a Poisson count's spread): the faster pace gives the earliest day, the slower the latest.

No forecast is made before the first issuance of the year, for a year that is not the
current one, or for a quota already used up.
"""

import bisect
import calendar
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_HISTORY = 12
Z_90 = 1.645


@dataclass(frozen=True)
class Forecast:
    expected: dt.date | None  # the day the quota is expected to run out; None: not this year
    earliest: dt.date | None  # at the faster end of the range
    latest: dt.date | None  # at the slower end; None: not this year
    year_end_usage: int  # the expected usage on 31 December at this pace
    seasonal: bool  # earlier years gave the shape

    @property
    def runs_out_this_year(self) -> bool:
        return self.expected is not None


def month_shape(earlier_years: Sequence[Sequence[int]]) -> list[float] | None:
    """Each month's share of a year's issuance from earlier years' monthly counts, or None
    when they are too few to tell."""
    totals = [sum(year[month] for year in earlier_years) for month in range(12)]
    if sum(totals) < MIN_HISTORY:
        return None
    return [(count + 1) / (sum(totals) + 12) for count in totals]


def cumulative_weights(year: int, shape: Sequence[float] | None) -> list[float]:
    """W[k]: the share of the year's weight in its first k days (W[0] = 0, W[-1] = 1)."""
    days_in_year = 366 if calendar.isleap(year) else 365
    weights = [0.0]
    for month in range(1, 13):
        days = calendar.monthrange(year, month)[1]
        per_day = shape[month - 1] / days if shape else 1 / days_in_year
        for _day in range(days):
            weights.append(weights[-1] + per_day)
    return weights


def forecast(amount: int, used: int, this_year: Sequence[int],
             earlier_years: Sequence[Sequence[int]], today: dt.date) -> Forecast | None:
    """The run-out forecast of a quota of `amount` with `used` slots taken, from this year's
    monthly counts (January first) and earlier years' monthly counts, as of `today`."""
    so_far = sum(this_year[:today.month])
    if so_far <= 0 or used >= amount:
        return None
    shape = month_shape(earlier_years)
    weights = cumulative_weights(today.year, shape)
    day_of_year = today.timetuple().tm_yday
    elapsed = weights[day_of_year]
    january_first = dt.date(today.year, 1, 1)

    def run_out(count: float) -> dt.date | None:
        if count <= 0:
            return None
        pace = count / elapsed
        needed = elapsed + (amount - used) / pace
        day = bisect.bisect_left(weights, needed - 1e-12, lo=day_of_year + 1)
        if day >= len(weights):
            return None
        return january_first + dt.timedelta(days=day - 1)

    spread = Z_90 * math.sqrt(so_far)
    return Forecast(
        expected=run_out(so_far),
        earliest=run_out(so_far + spread),
        latest=run_out(so_far - spread),
        year_end_usage=used + round(so_far / elapsed * (1 - elapsed)),
        seasonal=shape is not None,
    )
