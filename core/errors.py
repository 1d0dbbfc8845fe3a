"""Errors the doors translate for people: apps raise them, the API error handler maps them."""


class RuleInputError(Exception):
    """One or more inputs are missing or impossible; `errors` maps field -> messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors
