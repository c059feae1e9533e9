"""``python -m proofroom.cli``: the same as the ``proofroom`` command."""

from proofroom.cli import main

main()
