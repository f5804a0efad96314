"""A service process leaves what lives as long as it out of the collector's walks (in a process of its
own: freezing is for the whole interpreter)."""

import subprocess
import sys

PROBE = """
import gc
from service_kit.garbage_collection import tune_for_a_long_running_service
before = gc.get_freeze_count()
tune_for_a_long_running_service()
print(before, gc.get_freeze_count(), *gc.get_threshold())
"""


def test_objects_alive_at_start_are_frozen_and_passes_are_spaced_out() -> None:
    probed = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)

    frozen_before, frozen_after, *thresholds = (int(value) for value in probed.stdout.split())

    assert frozen_before == 0
    assert frozen_after > 1_000
    assert thresholds == [50_000, 20, 100]
