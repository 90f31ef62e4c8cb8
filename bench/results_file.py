# SPDX-License-Identifier: BSD-3-Clause
"""A benchmark's results on disk: the JSON record and the Markdown table
(which is also printed), as every bench/ script writes them."""
import json


def write_json(path, result):
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


def write_md(path, lines):
    """lines joined into the table's text, written to path and printed."""
    text = "\n".join(lines) + "\n"
    with open(path, "w") as f:
        f.write(text)
    print(text, end="")
