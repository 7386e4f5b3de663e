"""The root of every error policykg raises on purpose.

The command line turns a :class:`PolicyKGError` into a one-line message and exit code 1;
anything else is a bug and exits 2.
"""


class PolicyKGError(Exception):
    """An error caused by the input or the environment, explained to the user."""
