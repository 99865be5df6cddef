"""``python -m tests.contract``: the contract table with live verdicts, as markdown."""

from .harness import main

main()
