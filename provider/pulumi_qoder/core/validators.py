"""Named, reusable validators. Each takes the failure collector, the property path and the value,
records a failure naming the path and the rule, and returns whether the value passed.

Unknown values (preview) always pass: they are checked again when they become known.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from .failures import Failures
from .flavor_rules import id_prefix
from .values import is_unknown

__all__ = [
    "cron_expression",
    "fields",
    "iana_timezone",
    "id_with_prefix",
    "integer",
    "is_list",
    "is_mapping",
    "one_of",
    "string",
    "string_list",
    "string_map",
    "type_name",
    "wrong_type",
]


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 80 else text[:77] + "..."


def type_name(value: Any) -> str:
    """What a wrong value is, in the words a program's author uses (``int``, ``str``, ``None``)."""
    return "None" if value is None else type(value).__name__


def wrong_type(f: Failures, path: str, value: Any, expected: str) -> None:
    """The failure for a value of the wrong type: names everything allowed, and what came.
    A missing (``None``) value is reported as required."""
    f.add(path, "is required" if value is None else f"must be {expected}, got {type_name(value)}")


def string(
    f: Failures,
    path: str,
    value: Any,
    *,
    min_len: int = 0,
    max_len: int | None = None,
    expected: str = "a string",
) -> bool:
    """A string of ``min_len``..``max_len`` characters."""
    if is_unknown(value):
        return True
    if not isinstance(value, str):
        wrong_type(f, path, value, expected)
        return False
    if len(value) < min_len:
        f.add(path, "must not be empty" if min_len == 1 else f"must be at least {min_len} characters")
        return False
    if max_len is not None and len(value) > max_len:
        f.add(path, f"must be at most {max_len} characters (got {len(value)})")
        return False
    return True


def id_with_prefix(f: Failures, path: str, value: Any, prefix: str, *, max_len: int = 128) -> bool:
    """An API id such as ``env_...``: a string with the documented prefix."""
    prefix = id_prefix(prefix)  # Qoder's prefix as the current service spells it (flavor_rules)
    if not string(f, path, value, min_len=1, max_len=max_len):
        return False
    if is_unknown(value):
        return True
    if not value.startswith(prefix) or len(value) == len(prefix):
        f.add(path, f'{_show(value)} is not an id of the form "{prefix}..."')
        return False
    return True


def one_of(f: Failures, path: str, value: Any, choices: Collection[str]) -> bool:
    if is_unknown(value) or value in choices:
        return True
    if value is None:
        f.add(path, f"is required: one of {', '.join(sorted(choices))}")
    else:
        f.add(path, f"{_show(value)} is not one of {', '.join(sorted(choices))}")
    return False


def integer(
    f: Failures, path: str, value: Any, *, minimum: int | None = None, maximum: int | None = None
) -> bool:
    """An integer (an integral float counts: protobuf numbers are doubles) within bounds."""
    if is_unknown(value):
        return True
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        if value is None:
            f.add(path, "is required")
        else:
            f.add(path, f"must be an integer, got {_show(value)}")
        return False
    if minimum is not None and value < minimum:
        f.add(path, f"must be >= {minimum}, got {int(value)}")
        return False
    if maximum is not None and value > maximum:
        f.add(path, f"must be <= {maximum}, got {int(value)}")
        return False
    return True


def is_mapping(f: Failures, path: str, value: Any, *, expected: str = "an object") -> bool:
    if is_unknown(value) or isinstance(value, Mapping):
        return True
    wrong_type(f, path, value, expected)
    return False


def is_list(
    f: Failures,
    path: str,
    value: Any,
    *,
    min_items: int = 0,
    max_items: int | None = None,
    expected: str = "a list",
) -> bool:
    if is_unknown(value):
        return True
    if not isinstance(value, list | tuple):
        wrong_type(f, path, value, expected)
        return False
    if len(value) < min_items:
        f.add(path, f"must have at least {min_items} item{'s' if min_items > 1 else ''}")
        return False
    if max_items is not None and len(value) > max_items:
        f.add(path, f"must have at most {max_items} items (got {len(value)})")
        return False
    return True


def string_list(
    f: Failures,
    path: str,
    value: Any,
    *,
    max_items: int,
    item: Callable[[Failures, str, Any], bool] | None = None,
    expected: str = "a list of strings",
) -> bool:
    if not is_list(f, path, value, max_items=max_items, expected=expected) or is_unknown(value):
        return is_unknown(value)
    ok = True
    for i, v in enumerate(value):
        check = item or (lambda ff, p, x: string(ff, p, x, min_len=1))
        ok = check(f, f"{path}[{i}]", v) and ok
    return ok


def string_map(
    f: Failures,
    path: str,
    value: Any,
    *,
    max_keys: int,
    max_key_len: int,
    max_value_len: int,
    reserved: Mapping[str, str] | None = None,
) -> bool:
    """A string-to-string map with limits; ``reserved`` maps forbidden keys to the reason."""
    if not is_mapping(f, path, value) or is_unknown(value):
        return is_unknown(value)
    ok = True
    for key, reason in (reserved or {}).items():
        if key in value:
            f.add(f"{path}.{key}", reason)
            ok = False
    user_keys = [k for k in value if k not in (reserved or {})]
    if len(user_keys) > max_keys:
        f.add(path, f"must have at most {max_keys} keys (got {len(user_keys)})")
        ok = False
    for key in user_keys:
        if not key:
            f.add(path, "keys must not be empty")
            ok = False
            continue
        if len(key) > max_key_len:
            f.add(f"{path}.{key}", f"key must be 1-{max_key_len} characters")
            ok = False
        ok = string(f, f"{path}.{key}", value[key], max_len=max_value_len) and ok
    return ok


def fields(
    f: Failures, path: str, value: Mapping[str, Any], allowed: Collection[str], *, what: str = ""
) -> bool:
    """No key outside ``allowed``: each unknown one fails at its own path (``schedule.jitter``),
    naming the fields that exist (for ``what``, such as "a text block", when given)."""
    ok = True
    for key in value:
        if key not in allowed:
            where = f" of {what}" if what else ""
            f.add(f"{path}.{key}", f"unknown field; the fields{where} are {', '.join(allowed)}")
            ok = False
    return ok


def cron_expression(f: Failures, path: str, value: Any) -> bool:
    """A 5-field cron expression as the API accepts it (rules in ``qoder_cron``)."""
    return _schedule_rule(f, path, value, "validate_expression")


def iana_timezone(f: Failures, path: str, value: Any) -> bool:
    return _schedule_rule(f, path, value, "validate_timezone")


def _schedule_rule(f: Failures, path: str, value: Any, rule: str) -> bool:
    """``qoder_cron.<rule>``, its ``ScheduleError`` as the failure. Imported here, not at the top:
    a provider process whose resources have no schedule never loads croniter."""
    if is_unknown(value):
        return True
    import qoder_cron as cron

    try:
        getattr(cron, rule)(value)
    except cron.ScheduleError as exc:
        f.add(path, str(exc))
        return False
    return True
