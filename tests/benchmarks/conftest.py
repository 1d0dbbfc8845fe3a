# The contribution rules a transactional test's flush may have removed, for the scale run's
# contribution reports: the partners' fixture, not a copy of it.
from tests.partners.conftest import dated_rules  # noqa: F401
