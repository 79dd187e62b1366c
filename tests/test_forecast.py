"""The quota run-out forecast on fixture histories."""

import datetime as dt

from kzmigdesk.services.forecast import cumulative_weights, forecast, month_shape


def test_no_forecast_before_the_first_issuance_or_when_used_up():
    assert forecast(100, 0, [0] * 12, [], dt.date(2026, 4, 30)) is None
    assert forecast(100, 0, [0] * 12, [[10] * 12], dt.date(2026, 4, 30)) is None
    assert forecast(50, 50, [25, 25] + [0] * 10, [], dt.date(2026, 2, 28)) is None


def test_steady_pace_runs_out_in_late_october_with_a_range_around_it():
    # 10 a month from January to June, a quota of 100: 40 left at 10 a month.
    result = forecast(100, 60, [10] * 6 + [0] * 6, [], dt.date(2026, 6, 30))
    assert not result.seasonal
    assert result.expected == dt.date(2026, 10, 29)
    assert result.earliest == dt.date(2026, 10, 8)
    assert result.latest == dt.date(2026, 12, 1)
    assert result.year_end_usage == 121
    assert result.runs_out_this_year


def test_steady_pace_within_the_year_lasts():
    result = forecast(200, 60, [10] * 6 + [0] * 6, [], dt.date(2026, 6, 30))
    assert (result.expected, result.earliest, result.latest) == (None, None, None)
    assert result.year_end_usage == 121
    assert not result.runs_out_this_year


SEASONAL_YEAR = [5, 5, 50, 50, 50, 5, 5, 5, 5, 5, 5, 5]  # spring peak of seasonal work


def test_seasonal_peak_from_earlier_years_changes_the_forecast():
    this_year = [5, 5, 50, 50, 50] + [0] * 7  # 160 by the end of May, as in earlier years
    today = dt.date(2026, 5, 31)
    flat = forecast(200, 160, this_year, [], today)
    seasonal = forecast(200, 160, this_year, [SEASONAL_YEAR, SEASONAL_YEAR], today)
    # At the flat pace of the peak the quota would be gone in early July ...
    assert not flat.seasonal and dt.date(2026, 7, 1) <= flat.expected <= dt.date(2026, 7, 15)
    # ... but the earlier years say the peak is over: about 35 more by December.
    assert seasonal.seasonal
    assert seasonal.expected is None
    assert 190 <= seasonal.year_end_usage <= 200


def test_seasonal_peak_still_ahead_brings_the_run_out_day_forward():
    this_year = [5, 5] + [0] * 10  # 10 by the end of February, a quota of 100
    today = dt.date(2026, 2, 28)
    flat = forecast(100, 10, this_year, [], today)
    seasonal = forecast(100, 10, this_year, [SEASONAL_YEAR] * 3, today)
    assert flat.expected is None  # 10 in two months: 60 a year
    assert seasonal.expected is not None and seasonal.expected <= dt.date(2026, 5, 31)
    assert seasonal.earliest <= seasonal.expected


def test_too_little_history_is_no_shape():
    assert month_shape([[1] * 11 + [0]]) is None
    shape = month_shape([SEASONAL_YEAR])
    assert abs(sum(shape) - 1) < 1e-9 and shape[2] > shape[0]


def test_cumulative_weights_cover_the_year():
    weights = cumulative_weights(2024, None)
    assert len(weights) == 367 and weights[0] == 0 and abs(weights[-1] - 1) < 1e-9
