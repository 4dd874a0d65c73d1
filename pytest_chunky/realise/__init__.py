"""The offline generator for any attribute pool: realise attributes as a prompt, and check them.

Every attribute of the shipped default pool maps to a named operator (`table.operator_for`) with
a checker; `realise` writes a prompt from 1-5 of them and reports which it provably carries, and
`carries` is the same check for prompts other generators write.
"""

from pytest_chunky.realise.compose import Realised, carries, realise
from pytest_chunky.realise.table import operator_for, unrealisable

__all__ = ["Realised", "carries", "operator_for", "realise", "unrealisable"]
