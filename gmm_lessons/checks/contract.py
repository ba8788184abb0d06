"""What a grader relies on, defined once: how it sets the time limit and how a passed check reports.

The checks print :func:`success_line` when every case passes and read the
limit on one call of the learner's function from :data:`TIME_LIMIT_VARIABLE`;
a grader (``python -m course grade``) imports both from here rather than
spelling them again.
"""

import re

# The environment variable that sets the checks' default time limit, in seconds.
TIME_LIMIT_VARIABLE = "GMM_LESSONS_CHECK_TIMEOUT"


def success_line(check_name, n_cases, title):
    """The line a check prints when all its ``n_cases`` cases pass."""
    return f"{check_name}: all {n_cases} cases passed - your {title} is correct."


def is_success_line(line, check_name):
    """Whether ``line`` is the success line of the check ``check_name``."""
    return re.fullmatch(rf"{re.escape(check_name)}: all \d+ cases passed - your .+ is correct\.", line) is not None
