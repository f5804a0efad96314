"""`python -m <service> serve` under cProfile, for `serve_process.start_serve(profile_to=…)`.

Usage: profiled_serve.py <output.prof> <service>

uvicorn handles SIGTERM itself, then raises it again once the service has stopped, with the handler it
found in place: this one, which writes the profile. (`python -m cProfile` would never get to write it.)
"""

import cProfile
import runpy
import signal
import sys
from types import FrameType

output, service = sys.argv[1], sys.argv[2]
profiler = cProfile.Profile()


def write_profile_and_leave(_signal: int, _frame: FrameType | None) -> None:
    profiler.disable()
    profiler.dump_stats(output)
    sys.exit(0)


signal.signal(signal.SIGTERM, write_profile_and_leave)
sys.argv = [service, "serve"]
profiler.enable()
runpy.run_module(service, run_name="__main__", alter_sys=True)
