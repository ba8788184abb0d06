"""A time limit on one call of the learner's function, so that a loop that never ends fails its check.

A :class:`threading.Timer` interrupts the main thread (``_thread.interrupt_main``,
the same ``KeyboardInterrupt`` as Ctrl-C or a Jupyter kernel interrupt) when
the limit passes; the interrupt raised inside the call becomes :class:`TimeLimitReached`.
A lock makes the timer's decision and the end of the call exclusive, so the timer
never interrupts after the call has ended, and a real Ctrl-C during the call is
still a ``KeyboardInterrupt``. ``interrupt_main`` does nothing where SIGINT has
no Python handler (a process started in the background inherits it ignored), so
for the call Python's own handler is put in place, and the previous one back after.
"""

import _thread
import contextlib
import os
import signal
import threading
import time

from .contract import TIME_LIMIT_VARIABLE as ENVIRONMENT_VARIABLE

DEFAULT_SECONDS = 30.0
# How long to wait for an interrupt that the timer sent just as the call ended, before the check goes on.
_PENDING_INTERRUPT_WAIT = 1.0


class TimeLimitReached(Exception):
    """The learner's call was stopped after ``seconds``."""

    def __init__(self, seconds):
        super().__init__(seconds)
        self.seconds = seconds


def default_time_limit():
    """The limit in seconds: the environment variable GMM_LESSONS_CHECK_TIMEOUT if it is set, else 30."""
    text = os.environ.get(ENVIRONMENT_VARIABLE)
    if text is None:
        return DEFAULT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0:
        raise ValueError(f"{ENVIRONMENT_VARIABLE} must be a positive number of seconds, got {text!r}")
    return seconds


def check_time_limit(seconds):
    """seconds as a positive float, or a ValueError naming checks.TIME_LIMIT."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise ValueError(f"checks.TIME_LIMIT must be a positive number of seconds, got {seconds!r}")
    return float(seconds)


@contextlib.contextmanager
def time_limit(seconds):
    """Raise :class:`TimeLimitReached` in the with-block if it runs longer than ``seconds``.

    Only the main thread can be interrupted; in another thread the block runs without a limit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    lock = threading.Lock()
    state = {"running": True, "fired": False}

    def interrupt():
        with lock:
            if state["running"]:
                state["fired"] = True
                _thread.interrupt_main()

    previous_handler = signal.signal(signal.SIGINT, _python_handler(signal.getsignal(signal.SIGINT)))
    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        try:
            yield
        finally:
            with lock:
                state["running"] = False
            timer.cancel()
        if state["fired"]:
            # The timer fired as the block ended: its interrupt is on its way; take it here, not in later code.
            _absorb_pending_interrupt()
    except KeyboardInterrupt:
        if not state["fired"]:
            raise
    finally:
        signal.signal(signal.SIGINT, previous_handler)
    if state["fired"]:
        raise TimeLimitReached(seconds)


def _python_handler(handler):
    """``handler`` if Python handles SIGINT with it, else Python's default (KeyboardInterrupt)."""
    return handler if callable(handler) else signal.default_int_handler


def _absorb_pending_interrupt():
    deadline = time.monotonic() + _PENDING_INTERRUPT_WAIT
    try:
        while time.monotonic() < deadline:
            time.sleep(0.01)
    except KeyboardInterrupt:
        pass
