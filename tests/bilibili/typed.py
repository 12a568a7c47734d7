"""Whether a value is what its type hint says, down through every dataclass field: the
fuzz tests' check that the client hands on well-formed entities whatever bilibili sent."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar, get_args, get_origin


def mismatches(value: Any, hint: Any, where: str = "result") -> list[str]:
    """Where ``value`` is not a ``hint``: [] when it is. An int hint takes no bool (a JSON
    ``true`` passed on as a number is a parse leak); a float hint takes an int."""
    if hint is Any:
        return []
    if hint is None or hint is type(None):
        return [] if value is None else [f"{where}: {value!r} is not None"]
    origin, args = get_origin(hint), get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [mismatches(value, arg, where) for arg in args]
        return [] if any(not found for found in options) else [
            f"{where}: {value!r} is none of {hint}"]
    if origin in (tuple, list):
        if not isinstance(value, origin):
            return [f"{where}: {type(value).__name__} is not a {origin.__name__}"]
        items = args[:1] * len(value) if origin is list or args[-1:] == (...,) else args
        if len(items) != len(value):
            return [f"{where}: {len(value)} items, {hint} wants {len(items)}"]
        return [m for i, (v, h) in enumerate(zip(value, items, strict=True))
                for m in mismatches(v, h, f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__} is not a dict"]
        return [m for k, v in value.items()
                for m in mismatches(k, args[0], f"{where} key") + mismatches(
                    v, args[1], f"{where}[{k!r}]")]
    cls = origin or hint
    if cls is float and isinstance(value, int) and not isinstance(value, bool):
        return []
    if not isinstance(value, cls):
        return [f"{where}: {type(value).__name__} is not a {getattr(cls, '__name__', cls)}"]
    if cls is int and isinstance(value, bool):
        return [f"{where}: {value!r} is a bool, not an int"]
    if cls is float and isinstance(value, bool):
        return [f"{where}: {value!r} is a bool, not a float"]
    if dataclasses.is_dataclass(cls):
        bound = dict(zip(getattr(cls, "__parameters__", ()), args, strict=False))
        fields = typing.get_type_hints(cls)
        return [m for f in dataclasses.fields(cls)
                for m in mismatches(getattr(value, f.name), _bind(fields[f.name], bound),
                                    f"{where}.{f.name}")]
    return []


def _bind(hint: Any, bound: dict[TypeVar, Any]) -> Any:
    """``hint`` with the class's type variables replaced (``tuple[T, ...]`` of a
    ``SpaceList[FavFolder]`` is ``tuple[FavFolder, ...]``)."""
    if isinstance(hint, TypeVar):
        return bound.get(hint, Any)
    args = get_args(hint)
    if not args or not bound:
        return hint
    new = tuple(_bind(a, bound) if a is not ... else a for a in args)
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return typing.Union[new]  # noqa: UP007 - built from a tuple of types
    return origin[new] if origin is not tuple else tuple[new]
