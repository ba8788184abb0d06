"""Self-checks for the exercises of the lessons.

Each "Your turn" exercise asks for a function with the original lesson's
signature; the cell after it passes that function to its check, e.g.
``checks.check_e_step(e_step)``. :data:`EXERCISES` maps each exercise's
function name to its :class:`Exercise` record (lesson, signature, cases), in
course order; the checks are made from those records.

A check runs a few small, named cases, each chosen to catch one mistake that
learners really make. A wrong function raises :class:`CheckFailed` (an
``AssertionError`` that a notebook shows as its message, without the check's
own traceback) in one line that starts with the exercise's name and says what
is wrong and hints at the fix; a right one prints one line. Results are
compared with this package's reference functions to ``rtol=1e-6, atol=1e-8``
(the M-step with ``reg_covar=0``: Bishop's M-step exactly). Samples and
seedings are judged by statistical tests that a correct function fails with
probability below one in a million. The cases draw their data from private
generators; numpy's global random state is saved before every call of your
function and restored after it, and a function that changed it fails.

The package's own function for an exercise (``e_step = gl.e_step``, or a
function that calls it) is rejected: the exercise is to write it. A call of
your function that has not returned after :data:`TIME_LIMIT` seconds (30, or
the environment variable ``GMM_LESSONS_CHECK_TIMEOUT``; set
``checks.TIME_LIMIT`` to change it) is stopped and fails its check.

The checks, in course order:

"""

import importlib
import pkgutil
import re

from ._harness import CheckFailed, Exercise, public_check, registry, signature_table
from ._time_limit import default_time_limit

# Seconds a single call of the learner's function may take before its check stops it.
TIME_LIMIT = default_time_limit()

# One module per exercise, named for its lesson and function ("_03_e_step"), each declaring its EXERCISE.
_EXERCISE_MODULES = sorted(name for _, name, _ in pkgutil.iter_modules(__path__) if re.fullmatch(r"_\d\d_\w+", name))
EXERCISES = registry(importlib.import_module(f".{name}", __name__).EXERCISE for name in _EXERCISE_MODULES)
_CHECKS = {exercise.check_name: public_check(exercise) for exercise in EXERCISES.values()}
globals().update(_CHECKS)
__doc__ += signature_table(EXERCISES.values()) + "\n"
__all__ = ["EXERCISES", "TIME_LIMIT", "CheckFailed", "Exercise"] + list(_CHECKS)
