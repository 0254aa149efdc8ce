"""Work-arounds for running a vLLM engine in a process that also uses the rest of the stack.

vLLM (0.32, CPU build) scans every loaded module when its worker starts, to swap Triton kernels
for CPU ones, and reads ``vars(x)`` of module attributes. llvmlite's ``ffi.lib`` object (loaded by
numba, which ``bm25s`` imports for speed) answers any attribute with a wrapper, so the scan fails
with "'_lib_fn_wrapper' object has no attribute 'get'". Hiding the llvmlite and numba modules
from ``sys.modules`` while the engine starts avoids it; the modules stay loaded and usable.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

SCAN_BREAKERS = ("llvmlite", "numba")


@contextmanager
def hidden_modules(prefixes: tuple[str, ...] = SCAN_BREAKERS) -> Iterator[None]:
    """Take the named top-level packages (and their submodules) out of ``sys.modules`` for a while."""
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] in prefixes}
    try:
        yield
    finally:
        for name, module in saved.items():
            sys.modules.setdefault(name, module)
