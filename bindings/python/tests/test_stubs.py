"""The type stubs describe the module as built: every public name, and each function's
parameters, in order, with their defaults."""

import ast
import inspect
from pathlib import Path

import threeds_bridge

STUBS = Path(threeds_bridge.__file__).with_name("__init__.pyi")


def stub_functions():
    tree = ast.parse(STUBS.read_text())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            args = node.args.args
            defaults = [None] * (len(args) - len(node.args.defaults)) + node.args.defaults
            out[node.name] = [
                (a.arg, inspect.Parameter.empty if d is None else ast.literal_eval(d))
                for a, d in zip(args, defaults)
            ]
    return out, {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def test_the_stubs_ship_with_the_package_and_name_every_public_name():
    assert STUBS.is_file() and STUBS.with_name("py.typed").is_file()
    _, names = stub_functions()
    assert names == set(threeds_bridge.__all__) - {"__version__"}


def test_each_function_has_the_stubs_parameters_and_defaults():
    functions, _ = stub_functions()
    for name, params in functions.items():
        actual = [(p.name, p.default) for p in inspect.signature(getattr(threeds_bridge, name)).parameters.values()]
        assert actual == params, name
