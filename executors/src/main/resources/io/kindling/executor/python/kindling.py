"""What a Kindling Python task knows about its run (docs/python.md).

    import kindling
    kindling.params["country"]      # the run's params, as text
    kindling.logical_time           # the run's logical time, a timezone-aware datetime
    kindling.ds                     # its date in the pipeline's time zone, "2026-03-28"
    kindling.run_id, kindling.pipeline, kindling.task_id, kindling.attempt
    kindling.log("rows written:", n) # a line in the attempt's log
    kindling.spark                  # the same ready Spark Connect session as the script's `spark`
    kindling.display(df)            # in a notebook, a rich output of the cell (a DataFrame's first rows as a table)

Kindling sets this module up before the script runs; it reads what the executor put in the environment.
"""

import datetime as _datetime
import json as _json
import os as _os
import sys as _sys

_run = _json.loads(_os.environ.get("KINDLING_RUN", "{}"))

params = dict(_json.loads(_os.environ.get("KINDLING_PARAMS", "{}")))
pipeline = _run.get("pipeline")
run_id = _run.get("run_id")
ds = _run.get("ds")
logical_time = (
    _datetime.datetime.fromisoformat(_run["logical_time"]) if _run.get("logical_time") else None
)
task_id = _os.environ.get("KINDLING_TASK_ID")
attempt = int(_os.environ.get("KINDLING_ATTEMPT_NUMBER", "1"))
attempt_id = _os.environ.get("KINDLING_ATTEMPT_ID")
spark = None


def log(*values):
    """Writes one line to the attempt's log (as print does: the process's output is the log)."""
    print(*values, flush=True)


def display(*values):
    """In a notebook, shows each value as an output of the running cell, with its rich forms (HTML, images; a Spark
    DataFrame's first rows as a table), as Jupyter's display() does; in a script, prints each value's text."""
    import kindling_notebook

    kindling_notebook.display(*values)


def set_value(name, value):
    """Publishes a task value that later tasks read as {{ tasks.<id>.values.<name> }} or :tasks.<id>.<name>.

    The value must be JSON (numbers, strings, booleans, None, lists and dicts of them); a name set twice keeps the
    last value. The executor checks names and the 48 KiB limit when the script ends.
    """
    path = _os.environ.get("KINDLING_TASK_VALUES_FILE")
    if not path:
        raise RuntimeError("kindling.set_value works only in a task that Kindling runs")
    with open(path, "a", encoding="utf-8") as out:
        out.write(_json.dumps({"name": str(name), "value": value}) + "\n")


def _start(session):
    global spark
    spark = session
