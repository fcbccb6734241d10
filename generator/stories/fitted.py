"""Fitted by bench/stories.py --fit on the story benchmark's dev half; do not edit by hand."""

WEIGHTS = (-0.006, -2.068, 6.08, 0.951, 0.475, 2.009, 1.66, -1.071, 3.606, -1.437, 0.0)
BIAS = -3.945
THRESHOLD = 0.3
WINDOW = 3
