"""The collector's settings for a long-running service process.

Python's cyclic collector runs a pass every 700 allocations and, every few passes, walks every object
the process holds: the modules, the ORM's and the validators' schemas, hundreds of thousands of objects
that live as long as the process. A service handling a stream of events allocates fast, so those walks
took about 15 % of the pathway assembler's CPU per event. Objects alive once the app is built are moved
out of the collector's sight, and passes run every 50,000 allocations instead: what the handlers leave in
cycles is still collected, a little later.
"""

import gc
from typing import Final

ALLOCATIONS_BETWEEN_PASSES: Final = 50_000
PASSES_BEFORE_OLDER_GENERATION: Final = 20
OLDER_PASSES_BEFORE_OLDEST: Final = 100


def tune_for_a_long_running_service() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(ALLOCATIONS_BETWEEN_PASSES, PASSES_BEFORE_OLDER_GENERATION, OLDER_PASSES_BEFORE_OLDEST)
