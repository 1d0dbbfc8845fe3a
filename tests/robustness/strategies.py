"""Hostile input for forms, serializers and views: unicode, huge strings, numbers, gaps."""

import datetime

from django import forms
from hypothesis import strategies as st
from rest_framework import serializers

# Text people (and scripts) really send: scripts of all kinds, control characters, NUL.
text = st.text(max_size=40)
huge = st.builds(lambda c, n: c * n, st.sampled_from(["a", "9", "é", "界", "🙂", "\x00", " "]),
                 st.integers(min_value=1_000, max_value=200_000))  # fmt: skip
number = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=False).map(str),
)
odd = st.sampled_from(["", " ", "0", "-1", "null", "None", "true", "[]", "{}", "1e309",
                       "2025-02-30", "9999-12-31", "0001-01-01", "../../etc/passwd",
                       "<script>alert(1)</script>", "' OR 1=1 --", "\u202e", "٣٢٠٤"])  # fmt: skip
date = st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat)
scalar = st.one_of(text, huge, number, odd, date)


def _choice_values(field) -> list[str]:
    values = []
    for value, label in getattr(field, "choices", []) or []:
        if isinstance(label, list | tuple):  # an option group
            values += [str(v) for v, _ in label]
        else:
            values.append(str(value))
    return [v for v in values if v != ""]


def form_value(field):
    """None means "leave the field out"."""
    options = [st.none(), scalar]
    choices = _choice_values(field)
    if choices:
        options.append(st.sampled_from(choices))
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(st.one_of(*options[1:]), max_size=4)
    return st.one_of(*options)


def form_data(form) -> st.SearchStrategy:
    """(data, files) for a bound form: every field maybe missing, maybe hostile."""
    data = {}
    files = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.FileField):
            files[key] = st.one_of(st.none(), st.binary(max_size=4_000))
        else:
            data[key] = form_value(field)
    return st.tuples(st.fixed_dictionaries(data), st.fixed_dictionaries(files))


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text, odd),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)


def serializer_value(field, depth: int = 0):
    if depth > 3:
        return json_value
    if isinstance(field, serializers.ListSerializer):
        return st.one_of(json_value, st.lists(serializer_data(field.child, depth + 1), max_size=3))
    if isinstance(field, serializers.Serializer):
        return st.one_of(json_value, serializer_data(field, depth + 1))
    if isinstance(field, serializers.ListField):
        return st.one_of(json_value, st.lists(serializer_value(field.child, depth + 1), max_size=3))
    options = [json_value, scalar]
    choices = [str(c) for c in getattr(field, "choices", {}) or {}]
    if choices:
        options.append(st.sampled_from(choices))
    return st.one_of(*options)


class _Missing:
    pass


MISSING = _Missing()


def serializer_data(serializer, depth: int = 0) -> st.SearchStrategy:
    writable = {name: f for name, f in serializer.fields.items() if not f.read_only}
    parts = {name: st.one_of(st.just(MISSING), serializer_value(f, depth))
             for name, f in writable.items()}  # fmt: skip
    return st.fixed_dictionaries(parts).map(
        lambda d: {k: v for k, v in d.items() if v is not MISSING}
    )
