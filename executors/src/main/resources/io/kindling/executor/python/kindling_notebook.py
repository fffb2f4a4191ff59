"""Runs a Jupyter notebook (nbformat 4) for a Kindling notebook task, without a kernel: its code cells run in order in
one namespace (with `spark`, `kindling` and `display`), after a cell tagged `injected-parameters` that assigns the task's
params as Python literals, placed after the cell tagged `parameters` (papermill's convention) or first when there is
none. Each cell's stdout and stderr become its stream outputs (and go to the attempt's log), the value of a final
expression its execute_result, `display(value)` a display_data output, an exception its error output; the cells after a
failing one are left unexecuted. Results carry Jupyter's rich forms (`_repr_html_`, `_repr_png_`, ...) next to
text/plain, and a Spark DataFrame shows its first rows as a table. A cell that starts with `%sql` or `%%sql` runs its
text with spark.sql; any other magic or `!` shell line fails its cell. The executed copy is written to the task's
`output` after every cell. Standard library only."""

import ast
import base64
import html
import json
import linecache
import math
import os
import sys
import traceback

PARAMETERS = "parameters"
INJECTED = "injected-parameters"
# How many rows of a Spark DataFrame a result or display() shows (Databricks' display shows a first page too): only
# one more is fetched, to know there are more; never the whole result.
TABLE_ROWS = 20
# Jupyter's rich forms, in the order nbformat lists them: the method an object shows itself with, for each type.
RICH = (
    ("text/html", "_repr_html_"),
    ("text/markdown", "_repr_markdown_"),
    ("image/svg+xml", "_repr_svg_"),
    ("image/png", "_repr_png_"),
    ("image/jpeg", "_repr_jpeg_"),
)
BINARY = ("image/png", "image/jpeg")

_outputs = None  # the running cell's outputs, where display() adds to; None outside a cell (a script)


class UnsupportedMagic(Exception):
    """A cell line IPython would have run as a magic (`%time`) or a shell command (`!pip`): Kindling runs neither."""


UnsupportedMagic.__module__ = "builtins"  # named `UnsupportedMagic: ...` in errors, as a built-in error is


class CellFailure(Exception):
    """A cell raised: the attempt fails with `cell N: <its error's line>`."""

    def __init__(self, number, error):
        super().__init__(number, error)
        self.number = number
        self.error = error


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _lines(text):
    """Text as nbformat stores it: a list of lines, each but the last ending in a newline."""
    return text.splitlines(keepends=True)


def literal(value):
    """A JSON value (a param) as the Python literal papermill would write: `20`, `0.5`, `True`, `None`, `'x'`, lists and
    dicts of those; a float that is not finite as `float('inf')`."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key!r}: {literal(item)}" for key, item in value.items()) + "}"
    return repr(value)


def inject(cells, params):
    """The cells with one injected-parameters cell (an older one from a copy replaced) assigning `params`."""
    cells = [cell for cell in cells if INJECTED not in _tags(cell)]
    if not params:
        return cells
    text = "# Parameters\n" + "".join(f"{name} = {literal(value)}\n" for name, value in params.items())
    injected = {
        "cell_type": "code",
        "execution_count": None,
        "id": INJECTED,
        "metadata": {"tags": [INJECTED]},
        "outputs": [],
        "source": _lines(text),
    }
    after = next(
        (i + 1 for i, cell in enumerate(cells) if cell.get("cell_type") == "code" and PARAMETERS in _tags(cell)),
        0,
    )
    return cells[:after] + [injected] + cells[after:]


class _Capture:
    """A stdout or stderr that appends to the cell's stream outputs and still writes to the attempt's log."""

    def __init__(self, name, outputs, through):
        self.name = name
        self.outputs = outputs
        self.through = through

    def write(self, text):
        if not text:
            return 0
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.get("output_type") == "stream" and last.get("name") == self.name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": self.name, "text": text})
        self.through.write(text)
        return len(text)

    def flush(self):
        self.through.flush()

    def isatty(self):
        return False


def _spark_table(frame):
    """A Spark DataFrame's first TABLE_ROWS rows as an HTML table and as show()'s text; fetches one row more at most."""
    columns = list(frame.columns)
    rows = frame.limit(TABLE_ROWS + 1).collect()
    more = len(rows) > TABLE_ROWS
    cells = [["null" if value is None else str(value) for value in row] for row in rows[:TABLE_ROWS]]
    note = f"only the first {TABLE_ROWS} rows shown" if more else f"{len(cells)} row{'' if len(cells) == 1 else 's'}"
    head = "".join(f"<th>{html.escape(name)}</th>" for name in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(value)}</td>" for value in row) + "</tr>" for row in cells)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{note}</p>"
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(columns)]
    rule = "+" + "+".join("-" * width for width in widths) + "+"
    lines = [rule, "|" + "|".join(name.rjust(width) for name, width in zip(columns, widths)) + "|", rule]
    lines += ["|" + "|".join(value.rjust(width) for value, width in zip(row, widths)) + "|" for row in cells]
    lines += [rule, note]
    return {"text/plain": "\n".join(lines), "text/html": table}


def bundle(value):
    """The value's nbformat mime bundle: text/plain (its repr) and every rich form it has, as Jupyter shows it."""
    sql = sys.modules.get("pyspark.sql")
    if sql is not None and isinstance(value, sql.DataFrame):
        data = _spark_table(value)
    else:
        data = {"text/plain": repr(value)}
        for mime, method in RICH if not isinstance(value, type) else ():
            form = getattr(value, method, None)
            if form is None:
                continue
            try:
                shown = form()
            except Exception as error:  # Jupyter too shows the other forms when one fails
                print(f"{type(value).__name__}.{method}() failed: {type(error).__name__}: {error}", file=sys.stderr)
                continue
            if isinstance(shown, tuple):  # (data, metadata), which IPython accepts too
                shown = shown[0]
            if shown is None:
                continue
            if mime in BINARY:
                shown = base64.b64encode(shown).decode("ascii") if isinstance(shown, bytes) else str(shown)
            data[mime] = shown
    return {mime: shown if mime in BINARY else _lines(str(shown)) for mime, shown in data.items()}


def display(*values):
    """Shows each value as an output of the running cell (display_data, with its rich forms); outside a notebook (a
    script), prints its text/plain."""
    for value in values:
        data = bundle(value)
        if _outputs is None:
            print("".join(data["text/plain"]))
        else:
            _outputs.append({"output_type": "display_data", "data": data, "metadata": {}})


def _sql(source):
    """The SQL of a `%sql` or `%%sql` cell (the magic on its first line, as Databricks writes it); None for Python."""
    text = source.lstrip()
    for magic in ("%%sql", "%sql"):
        if text.startswith(magic) and (len(text) == len(magic) or text[len(magic)].isspace()):
            return text[len(magic) :].strip().rstrip(";").strip()
    return None


def _refuse_magic(source, error):
    """Raises UnsupportedMagic when the syntax error is on a line IPython reads as a magic or a shell command."""
    lines = source.splitlines()
    number = error.lineno or 0
    line = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    if line.startswith(("%", "!")):
        raise UnsupportedMagic(
            f"{line.split()[0]} (line {number}): IPython magics and shell commands do not run in a Kindling notebook;"
            " only a cell that starts with %sql or %%sql does (its text runs with spark.sql)"
        ) from None


def _execute(source, namespace, filename, outputs, count):
    """Runs one cell's source: its statements, then its final expression, whose value (not None) is the result; or the
    statement of a %sql cell, whose rows are the result."""
    sql = _sql(source)
    if sql is not None:
        if not sql:
            raise ValueError("the %sql cell has no SQL")
        frame = namespace["spark"].sql(sql)
        namespace["_"] = frame
        if frame.columns:  # a statement without rows (CREATE, INSERT, SET ...) shows nothing
            outputs.append(_result(frame, count))
        return
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as error:
        _refuse_magic(source, error)
        raise
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), namespace)
    if last is not None:
        value = eval(compile(last, filename, "eval"), namespace)
        if value is not None:
            namespace["_"] = value
            outputs.append(_result(value, count))


def _result(value, count):
    return {"output_type": "execute_result", "execution_count": count, "data": bundle(value), "metadata": {}}


def _cell_frames(trace):
    """The traceback from the cell's own frame on (none for a syntax error): the runner's frames are noise."""
    while trace is not None and not trace.tb_frame.f_code.co_filename.startswith("<cell "):
        trace = trace.tb_next
    return trace


def _write(notebook, path):
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(notebook, out, indent=1, ensure_ascii=False)
        out.write("\n")
    os.replace(temporary, path)


def run(task, scope):
    """Executes the notebook of `task` (notebook, params, output) with `scope`'s names; raises CellFailure."""
    global _outputs
    with open(task["notebook"], encoding="utf-8") as source:
        notebook = json.load(source)
    params = task.get("params") or {}
    notebook["cells"] = inject(notebook.get("cells", []), params)
    notebook.setdefault("metadata", {})["kindling"] = {"parameters": params}
    namespace = dict(scope)
    namespace["__name__"] = "__main__"
    namespace.setdefault("display", display)
    output = task["output"]
    count = 0
    failure = None
    for number, cell in enumerate(notebook["cells"], 1):
        if cell.get("cell_type") != "code":
            continue
        cell["outputs"] = []
        if failure is not None:
            cell["execution_count"] = None
            continue
        count += 1
        cell["execution_count"] = count
        outputs = _outputs = cell["outputs"]
        stdout, stderr = sys.stdout, sys.stderr
        sys.stdout = _Capture("stdout", outputs, stdout)
        sys.stderr = _Capture("stderr", outputs, stderr)
        try:
            _execute(_source(cell), namespace, f"<cell {number}>", outputs, count)
        except (Exception, SystemExit) as error:  # the cell's error; KeyboardInterrupt (a cancel) ends the run
            frames = traceback.format_exception(type(error), error, _cell_frames(error.__traceback__))
            stderr.write("".join(frames))  # to the log; the error output holds it in the copy
            outputs.append(
                {
                    "output_type": "error",
                    "ename": type(error).__name__,
                    "evalue": str(error),
                    "traceback": [line.rstrip("\n") for line in frames],
                }
            )
            failure = CellFailure(number, error)
        finally:
            sys.stdout.flush()
            sys.stdout, sys.stderr = stdout, stderr
            _outputs = None
        _write(notebook, output)
    _write(notebook, output)
    if failure is not None:
        raise failure
