"""The garbage collector in a long-running process: what it loaded at start stays out of its passes.

Python's cyclic collector now and then walks every object that survived its younger passes. In
a worker that is first the modules, templates and caches loaded at start (about 140,000 objects:
SQLAlchemy, Jinja, Babel, Flask), walked again each time a dispatch batch's short-lived objects
pile up, which cost about a tenth of the dispatcher's CPU (docs/benchmarks.md, "Dispatch").
Freezing the heap once the process is ready moves those objects out of every later pass; they
were never going to be freed. Called where a process starts serving or working (`smsgateway
worker | dispatch`, the WSGI module), never per request or per test.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Collect what start-up left behind, then keep every surviving object out of later passes."""
    gc.collect()
    gc.freeze()
