"""``python -m pulumi_qoder_cli``: the `pulumi-qoder` command."""

import sys

from pulumi_qoder_cli import main

sys.exit(main())
