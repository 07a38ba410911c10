"""Self-exciting point processes for action-reaction data (issue 12; docs/hawkes.md).

* :class:`ContinuousHawkes`: continuous-time multivariate Hawkes, exponential and
  sum-of-exponential kernels, decays estimated, ties at day precision handled by jitter.
* :class:`DiscreteHawkes`: daily counts (Poisson or negative binomial) whose mean is a baseline
  plus decaying sums of both sides' past counts; linear link (excitation, branching ratios) or
  log link (a cross-effect may be negative: inhibition, i.e. deterrence).
* :mod:`.simulate`: exact simulation of both; :mod:`.policies`: "what if they had not struck
  back?" counterfactual response policies.
"""

from jervis.analysis.hawkes.continuous import ContinuousHawkes
from jervis.analysis.hawkes.params import Constraints, likelihood_ratio_test

__all__ = ["ContinuousHawkes", "Constraints", "likelihood_ratio_test"]
