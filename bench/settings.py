"""Settings for the benchmarks: the app's own settings, with a bare view to measure against."""

from corpro.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
