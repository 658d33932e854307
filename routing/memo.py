"""A bounded memo of a one-argument function, for the text analysis's per-word work.

Kept apart from ``routing.text`` because it is a ``dict`` subclass that Python itself must
build: the compiled build of the routing hot path (``routing.native``) leaves it interpreted.
"""


class Memo(dict):
    """A one-argument function's results by argument, emptied when it holds ``size`` of them
    (so a flood of new words cannot grow it without end). A hit is one dict lookup, at C speed
    when mapped over the words (``memo.__getitem__``); ``functools.lru_cache`` also reorders its
    list on every hit, and a text's words are looked up several times each."""

    def __init__(self, function, size: int = 200_000):
        super().__init__()
        self.function, self.size = function, size

    def __missing__(self, key):
        if len(self) >= self.size:
            self.clear()
        value = self[key] = self.function(key)
        return value

    __call__ = dict.__getitem__
    cache_clear = dict.clear
