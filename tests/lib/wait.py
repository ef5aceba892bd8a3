"""Waiting for an observable fact, never for a guessed length of time.

wait_until(predicate, what, timeout) calls predicate until it returns a
true value and returns that value; at the deadline it raises WaitTimeout,
whose message names what was awaited and the last value seen, so a test
that did not get its precondition fails loudly instead of proving nothing.
The short sleep between two calls is polling, not a precondition.
"""
import time


class WaitTimeout(AssertionError):
    """A fact a test waited for did not come true in time."""


def wait_until(predicate, what, timeout=10.0, step=0.02, describe=None):
    """Returns predicate()'s first true value; raises WaitTimeout naming
    `what` after `timeout` seconds.  describe(last) -> str, if given,
    says more about the last value seen (by default its repr)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            seen = describe(value) if describe else repr(value)
            raise WaitTimeout("waited %.1f s for %s; last seen: %s" % (
                timeout, what, seen))
        time.sleep(step)


def timed(fn, *args, **kw):
    """(fn(*args, **kw), seconds it took): for a wait whose speed is
    itself asserted ("within 2 s")."""
    t0 = time.monotonic()
    value = fn(*args, **kw)
    return value, time.monotonic() - t0
