"""Finding the package's own reference in a hand-in: ``e_step = gl.e_step``, or a function that calls it.

Two ways, combined: :func:`captured_reference` looks at what the learner's
function holds (itself, a ``functools.partial``, a bound method, its default
arguments, its closure and the global names its code uses, and the same in the
learner's functions it holds); :class:`ReferenceSpy` replaces the reference in
the package's modules during a call, which finds ``gl.e_step(...)``,
``gmm_lessons.em.e_step(...)`` and the package's functions that call it.
"""

import functools
import importlib
import sys
import types

# The package whose functions are the references, and the checks, which are left alone.
PACKAGE = __name__.split(".")[0]
CHECKS_PACKAGE = __name__.rpartition(".")[0]


def resolve(dotted_name):
    """The package's function named ``dotted_name`` relative to the package ("e_step", "alignment.match_components")."""
    value = importlib.import_module(PACKAGE)
    for part in dotted_name.split("."):
        value = getattr(value, part)
    return value


def _layers(fn):
    """fn and what it wraps: a partial's function, a bound method's function, a decorator's __wrapped__."""
    seen = []
    while fn is not None and not any(fn is layer for layer in seen):
        seen.append(fn)
        if isinstance(fn, functools.partial):
            fn = fn.func
        elif isinstance(fn, types.MethodType):
            fn = fn.__func__
        else:
            fn = getattr(fn, "__wrapped__", None)
    return seen


def _is_learners_function(value):
    """A Python function that is not the package's own (whose internals are trusted, not the hand-in)."""
    module = getattr(value, "__module__", None) or ""
    return isinstance(value, types.FunctionType) and not (module == PACKAGE or module.startswith(PACKAGE + "."))


def _global_names(code):
    """The global (and attribute) names a code object and the code nested in it use."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


def _held_values(fn):
    """What a function holds: its defaults, closure cells and the globals its code names; a partial's arguments."""
    if isinstance(fn, functools.partial):
        return [*fn.args, *fn.keywords.values()]
    if not isinstance(fn, types.FunctionType):
        return []
    values = list(fn.__defaults__ or ()) + list((fn.__kwdefaults__ or {}).values())
    for cell in fn.__closure__ or ():
        try:
            values.append(cell.cell_contents)
        except ValueError:  # an empty cell: a closure variable not assigned yet
            continue
    values += [fn.__globals__[name] for name in _global_names(fn.__code__) if name in fn.__globals__]
    return values


def captured_reference(fn, references):
    """The first of ``references`` that fn is, wraps or holds (also through the learner's functions it holds).

    None if it holds none of them.
    """
    to_visit, visited = [fn], []
    while to_visit:
        value = to_visit.pop()
        if any(value is done for done in visited):
            continue
        visited.append(value)
        for layer in _layers(value):
            found = next((reference for reference in references if layer is reference), None)
            if found is not None:
                return found
            for held in _held_values(layer):
                if any(held is reference for reference in references):
                    return held
                if _is_learners_function(held) or isinstance(held, functools.partial):
                    to_visit.append(held)
    return None


class ReferenceSpy:
    """Replaces the references in the package's loaded modules, during a call, by spies that note being called.

    ``with spy: ...`` installs them and restores the originals; ``spy.called`` is
    the first reference called inside, or None. The spies call the originals, so
    the learner's function returns what it would have.
    """

    def __init__(self, references):
        self.called = None
        self._bindings = []  # (module, attribute name, reference, its spy)
        spies = {id(reference): self._spy(reference) for reference in references}
        for name, module in list(sys.modules.items()):
            if not (name == PACKAGE or name.startswith(PACKAGE + ".")) or name.startswith(CHECKS_PACKAGE):
                continue
            for attribute, value in list(vars(module).items()):
                if id(value) in spies and any(value is reference for reference in references):
                    self._bindings.append((module, attribute, value, spies[id(value)]))

    def _spy(self, reference):
        def spy(*args, **kwargs):
            if self.called is None:
                self.called = reference
            return reference(*args, **kwargs)

        return spy

    def __enter__(self):
        for module, attribute, _, spy in self._bindings:
            setattr(module, attribute, spy)
        return self

    def __exit__(self, *exc_info):
        for module, attribute, reference, _ in self._bindings:
            setattr(module, attribute, reference)
        return False
