"""Screening: the quick action-reaction statistics for every pair of the most active actors.

``screening`` runs the pairs and the FDR step, ``null`` calibrates each test's p-value by
circular time shifts, ``calibration`` measures the screen on actors independent by
construction, ``commands`` is ``jervis screen``.
"""
