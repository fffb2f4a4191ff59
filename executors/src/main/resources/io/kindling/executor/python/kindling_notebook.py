"""Runs a Jupyter notebook (nbformat 4) for a Kindling notebook task, without a kernel: its code cells run in order in
one namespace (with `spark` and `kindling`), after a cell tagged `injected-parameters` that assigns the task's params,
placed after the cell tagged `parameters` (papermill's convention) or first when there is none. Each cell's stdout and
stderr become its stream outputs (and go to the attempt's log), the value of a final expression its execute_result
(text/plain), an exception its error output; the cells after a failing one are left unexecuted. The executed copy is
written to the task's `output` after every cell. Standard library only."""

import ast
import json
import linecache
import os
import sys
import traceback

PARAMETERS = "parameters"
INJECTED = "injected-parameters"


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


def inject(cells, params):
    """The cells with one injected-parameters cell (an older one from a copy replaced) assigning `params`."""
    cells = [cell for cell in cells if INJECTED not in _tags(cell)]
    if not params:
        return cells
    text = "# Parameters\n" + "".join(f"{name} = {value!r}\n" for name, value in params.items())
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


def _execute(source, namespace, filename, outputs, count):
    """Runs one cell's source: its statements, then its final expression, whose value (not None) is the result."""
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    tree = ast.parse(source, filename=filename)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), namespace)
    if last is not None:
        value = eval(compile(last, filename, "eval"), namespace)
        if value is not None:
            namespace["_"] = value
            outputs.append(
                {
                    "output_type": "execute_result",
                    "execution_count": count,
                    "data": {"text/plain": _lines(repr(value))},
                    "metadata": {},
                }
            )


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
    with open(task["notebook"], encoding="utf-8") as source:
        notebook = json.load(source)
    params = task.get("params") or {}
    notebook["cells"] = inject(notebook.get("cells", []), params)
    notebook.setdefault("metadata", {})["kindling"] = {"parameters": params}
    namespace = dict(scope)
    namespace["__name__"] = "__main__"
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
        outputs = cell["outputs"]
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
        _write(notebook, output)
    _write(notebook, output)
    if failure is not None:
        raise failure
