"""The simulator: its stated truth must be what a correctly specified regression recovers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from jervis.analysis.series import DyadSeries
from jervis.analysis.validation.loglinear import simulate, simulate_counts
from jervis.errors import JervisError


def test_event_frame_and_series_agree_and_record_the_truth():
    frame = simulate(n_days=120, seed=3, cross_irr={"A->B": 0.6})
    series = simulate(n_days=120, seed=3, cross_irr={"A->B": 0.6}, as_series=True)
    assert isinstance(series, DyadSeries) and len(series.counts) == 120
    assert frame.groupby("side").size().to_dict() == series.totals()
    assert frame.attrs["truth"]["cross_irr"] == {"A->B": 0.6, "B->A": 1.0}
    assert set(frame.columns) >= {"date", "side", "target_side", "killed", "latitude"}
    # The scale in the truth is the realised mean (the fixed point), to the tolerance.
    scale = frame.attrs["truth"]["scale"]
    assert series.counts["A"].mean() == pytest.approx(scale["A"], rel=2e-3)


def test_same_seed_same_data_and_rates_near_the_base():
    a = simulate(n_days=365, seed=11, as_series=True)
    b = simulate(n_days=365, seed=11, as_series=True)
    pd.testing.assert_frame_equal(a.counts, b.counts)
    counts, _ = simulate_counts(20, 365, base_rate=(2.0, 5.0), seed=1)
    assert counts.shape == (20, 365, 2)
    assert counts[..., 0].mean() == pytest.approx(2.0, rel=0.1)
    assert counts[..., 1].mean() == pytest.approx(5.0, rel=0.1)
    # Overdispersed: variance well above the mean (NB2 with alpha 0.5: mean + 0.5 mean^2).
    assert counts[..., 0].var() > 1.5 * counts[..., 0].mean()


@pytest.mark.parametrize("irr", [0.6, 1.6])
def test_the_stated_irr_is_recovered_by_the_true_model(irr):
    """Fit exactly the simulator's model (statsmodels NB) on a long run: log IRR within 3 SE."""
    series = simulate(n_days=6000, seed=7, cross_irr={"A->B": irr}, as_series=True)
    x, y = series.counts["A"].astype(float), series.counts["B"].astype(float)
    design = pd.DataFrame(
        {
            "const": 1.0,
            "z_x": x.shift(1).rolling(7).sum() / (7 * x.mean()),
            "z_y": y.shift(1).rolling(7).sum() / (7 * y.mean()),
        }
    ).iloc[7:]
    fit = sm.NegativeBinomial(y.iloc[7:], design).fit(disp=0)
    assert abs(fit.params["z_x"] - np.log(irr)) < 3 * fit.bse["z_x"]
    assert fit.params["alpha"] == pytest.approx(0.5, abs=0.1)


def test_bad_parameters_are_user_errors():
    with pytest.raises(JervisError):
        simulate(cross_irr={"A->B": -1.0})
    with pytest.raises(JervisError):
        simulate(n_days=5, horizon=7)


def test_unstable_settings_are_a_clear_error_not_a_blow_up():
    """A process that dies out or explodes has no stable level, so no stated truth: say so."""
    with pytest.raises(JervisError, match="stable level"):
        simulate(base_rate=(0.15, 0.15), self_excitation=3.0, seed=2)
