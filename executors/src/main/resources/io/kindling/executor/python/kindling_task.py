"""Runs one Kindling Python task: connects to the executor's Spark Connect server, then runs the task's script or
module as __main__, or its notebook's cells (kindling_notebook), with `spark` and `kindling` ready. A failure's last line goes to KINDLING_ERROR_FILE, for the
attempt's error; the whole traceback goes to stderr, the attempt's log."""

import json
import os
import runpy
import sys
import threading
import traceback


def _fail(message, status):
    with open(os.environ["KINDLING_ERROR_FILE"], "w", encoding="utf-8") as out:
        out.write(message)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _summary(error):
    """The exception's own line ("ValueError: no rows"), the first line of a long message."""
    text = "".join(traceback.format_exception_only(type(error), error))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    name = type(error).__name__
    for line in lines:
        if line.split(":")[0].split(".")[-1] == name:
            return line
    return lines[-1] if lines else name


def _end_with_kindling():
    """Kindling holds this process's stdin open while the attempt runs: its end means Kindling is gone (the daemon
    died, even of SIGKILL), and the attempt with it. The process ends then rather than run on unsupervised (a Connect
    client whose server went away would retry for minutes), so a restarted daemon's retry never runs beside it."""
    try:
        while os.read(0, 65536):
            pass
    except OSError:
        pass
    os._exit(143)


def main():
    threading.Thread(target=_end_with_kindling, name="kindling-stdin", daemon=True).start()
    task = json.loads(os.environ["KINDLING_TASK"])
    expected = os.environ.get("KINDLING_SPARK_VERSION", "")
    try:
        import pyspark
        from pyspark.sql import SparkSession
    except ImportError as error:
        _fail(
            f"{sys.executable} cannot import pyspark ({error}): {os.environ.get('KINDLING_INSTALL_HINT', '')}",
            3,
        )
    if expected and pyspark.__version__ != expected:
        _fail(
            f"{sys.executable} has PySpark {pyspark.__version__}, the executor's Spark is {expected}: "
            + os.environ.get("KINDLING_INSTALL_HINT", ""),
            3,
        )
    spark = SparkSession.builder.remote(os.environ["KINDLING_CONNECT_URL"]).getOrCreate()
    import kindling

    kindling._start(spark)
    scope = {"spark": spark, "kindling": kindling}
    try:
        if task.get("notebook"):
            import kindling_notebook

            path = task["notebook"]
            sys.argv = [path]
            sys.path.insert(0, os.path.dirname(path))
            try:
                kindling_notebook.run(task, scope)
            except kindling_notebook.CellFailure as failure:
                _fail(f"cell {failure.number}: {_summary(failure.error)}", 1)
        elif task.get("file"):
            path = task["file"]
            sys.argv = [path] + task["args"]
            sys.path.insert(0, os.path.dirname(path))
            runpy.run_path(path, init_globals=scope, run_name="__main__")
        else:
            sys.argv = [task["module"]] + task["args"]
            sys.path.insert(0, os.getcwd())
            runpy.run_module(task["module"], init_globals=scope, run_name="__main__", alter_sys=True)
    except SystemExit as end:
        if end.code not in (None, 0):
            _fail(f"the script exited with status {end.code}", end.code if isinstance(end.code, int) else 1)
    except BaseException as error:  # the attempt fails with it, whatever it is
        traceback.print_exc()
        _fail(_summary(error), 1)
    sys.stdout.flush()
    sys.stderr.flush()
    # no spark.stop(): the executor closes the attempt's Connect session and interpreter exit skips the release call
    os._exit(0)


if __name__ == "__main__":
    main()
