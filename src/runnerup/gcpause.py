"""Pausing the cyclic garbage collector while a one-shot command builds large trees. Owns
no data and decides nothing: the CLI chooses which commands pause it.

Reading a config or a calendar allocates hundreds of thousands of small objects that all
stay alive (YAML nodes, located `Node`s, roles, calls, content lines) and form no cycles.
The collector cannot know that: every few hundred allocations it walks everything alive
so far, and at 10,000 roles those walks were half the time of `runnerup check` and a
third of `runnerup build`. Reference counting still frees everything as usual.

At the end of the block the survivors move to the permanent generation (`gc.freeze`)
rather than waiting for the first collection after it, which would walk all of them once
more (a third of a second at 10,000 roles). The price: a reference cycle made inside the
block is never collected, which is fine for a process that ends with the command and is
why `cli/__init__.py` pauses it for every command but `serve`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block without cyclic collection; nested uses and a disabled gc are kept."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
