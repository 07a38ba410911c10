"""The shared fits (analysis/glm.py) against statsmodels on ordinary data."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from jervis.analysis.glm import fit_nb2, nb2_llf, ols


def _data(n: int = 1500, alpha: float = 0.6, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.uniform(size=n)])
    mu = np.exp(X @ np.array([0.8, 0.3, -0.5]))
    y = rng.poisson(mu * rng.gamma(1 / alpha, alpha, size=n))
    return y.astype(float), X


def test_nb2_by_profile_likelihood_matches_statsmodels():
    y, X = _data()
    ours = fit_nb2(y, X)
    theirs = sm.NegativeBinomial(y, X).fit(disp=0, maxiter=200)
    assert ours.method == "ml (profile likelihood)" and not ours.notes
    assert ours.params == pytest.approx(theirs.params[:-1], rel=1e-3)
    assert ours.alpha == pytest.approx(theirs.params[-1], rel=2e-3)
    assert ours.bse == pytest.approx(theirs.bse[:-1], rel=1e-3)
    assert ours.llf == pytest.approx(theirs.llf, rel=1e-7)


def test_poisson_data_give_a_near_zero_dispersion_and_the_poisson_fit():
    rng = np.random.default_rng(1)
    X = np.column_stack([np.ones(2000), rng.normal(size=2000)])
    y = rng.poisson(np.exp(X @ np.array([1.0, 0.2]))).astype(float)
    fit = fit_nb2(y, X)
    assert fit.alpha < 0.05
    poisson = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    assert fit.params == pytest.approx(poisson.params, rel=1e-3)
    assert fit.llf >= nb2_llf(y, fit.mu, 0.0) - 1e-6  # NB2 nests Poisson
    constant = fit_nb2(np.full(50, 3.0), np.ones((50, 1)))  # no variance at all
    assert constant.alpha < 1e-5 and any("lower bound" in n for n in constant.notes)


def test_moments_and_fixed_alpha_are_what_they_say():
    y, X = _data(seed=2)
    assert fit_nb2(y, X, dispersion="moments").method == "moments"
    fixed = fit_nb2(y, X, alpha=0.5)
    glm = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=0.5)).fit()
    assert fixed.method == "fixed" and fixed.params == pytest.approx(glm.params, rel=1e-6)


def test_ols_with_hc1_errors_matches_statsmodels():
    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(400), rng.normal(size=400)])
    y = X @ np.array([1.0, 2.0]) + rng.normal(size=400) * (1 + np.abs(X[:, 1]))
    ours = ols(y, X)
    theirs = sm.OLS(y, X).fit(cov_type="HC1")
    assert ours.params == pytest.approx(theirs.params, rel=1e-10)
    assert np.sqrt(np.diag(ours.cov)) == pytest.approx(theirs.bse, rel=1e-8)
