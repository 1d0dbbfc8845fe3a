"""participants/ledger.py is the only product code that writes the contribution ledger.

The postings and the running balances (ContributionPosting, JhtBalance, KpjBalance) stay equal
only if every write goes through the ledger's functions; this scans the product's source (every
app and benchmarks/, not migrations or tests) with `ast` and fails on any other write:

- manager and queryset writes: `.objects.create/bulk_create/update/...`, also on a queryset
  kept in a variable, a related manager (`card.postings.update(...)`) or `apps.get_model`;
- `.save()` / `.delete()` on an instance: built by the model, fetched (`get`, `first`, `[0]`,
  `get_or_create(...)[0]`, a loop over a queryset) or a parameter annotated with the model;
- raw SQL that inserts, updates, deletes, truncates or copies into one of their tables, also
  when the table name is put into an f-string or a concatenation, and a table name handed to
  a helper that builds the SQL out of sight (`_copy("participants_kpjbalance", ...)`).

Reads (filters, aggregates, `values_list`, `SELECT`, `COPY (SELECT ...) TO`) are not writes.
Writes by cascade (deleting a card or a participant) are not seen; postings PROTECT them.
"""

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

LEDGER_MODULE = "participants/ledger.py"
MODELS = {"ContributionPosting", "JhtBalance", "KpjBalance", "PostingOnce"}
TABLES = {
    "participants_contributionposting", "participants_jhtbalance", "participants_kpjbalance",
    "participants_postingonce",
}  # fmt: skip

# Writes found outside the ledger on purpose: (file, function) -> why.
ALLOWED = {
    ("benchmarks/ingest.py", "_copy_same_postings"): (
        "The ingest benchmark's yardstick: it takes the postings the report just wrote out of "
        "the table and COPYs the same rows back, timed, to compare the ledger's bulk post with "
        "PostgreSQL's fastest load. The rows and the balances are the same afterwards."
    ),
    ("participants/partitions.py", "ledger_partitions_ensure"): (
        "Makes a month's partition and moves that month's postings into it out of the DEFAULT "
        "partition (the same rows, ids and amounts, in one transaction): the ledger's content "
        "and the balances do not change, only where PostgreSQL stores the rows."
    ),
    ("participants/partitions.py", "ledger_partition_detach"): (
        "Detaches a past month's partition for archive: the rows leave the ledger table whole, "
        "kept as a table of their own; the running balances stay as they are (they never "
        "summed history), which tests/participants/test_ledger_partitions.py checks."
    ),
    ("benchmarks/seeding.py", "seed"): (
        "The benchmarks' bulk load (1,000,000 participants, 24 M postings for make bench-scale): "
        "postings and the balances computed from the same figures go in by COPY, as the ledger "
        "would take half an hour; tests/benchmarks/test_scale.py checks that every balance "
        "equals the sum of its postings."
    ),
}

MANAGERS = {"objects", "_default_manager", "_base_manager"}
RELATED_MANAGERS = {"postings"}  # KpjCard.postings, Participant.postings
RELATED_INSTANCES = {"jht_balance", "balance", "reverses", "reversed_by"}
QUERYSET_WRITES = {
    "create", "bulk_create", "bulk_update", "update", "update_or_create", "get_or_create",
    "delete", "add", "remove", "clear", "set",
}  # fmt: skip
QUERYSET_WRITES |= {f"a{name}" for name in QUERYSET_WRITES}
INSTANCE_WRITES = {"save", "delete", "asave", "adelete"}
INSTANCE_GETTERS = {"get", "first", "last", "earliest", "latest", "aget", "afirst", "alast",
                    "aearliest", "alatest", "create", "acreate"}  # fmt: skip
PAIR_GETTERS = {"get_or_create", "update_or_create", "aget_or_create", "aupdate_or_create"}
QUERYSET_METHODS = {
    "all", "filter", "exclude", "order_by", "select_for_update", "select_related",
    "prefetch_related", "only", "defer", "annotate", "alias", "using", "distinct", "values",
    "values_list", "reverse", "none", "extra", "union", "intersection", "difference",
}  # fmt: skip

_TABLE = "|".join(sorted(TABLES))
_SQL_WRITE = re.compile(
    rf"""\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO
        |ALTER\s+TABLE|DROP\s+TABLE)\s+(?:ONLY\s+)?["`]?(?:{_TABLE})\b
        |\bCOPY\s+["`]?(?:{_TABLE})\b["`]?\s*(?:\([^)]*\))?\s*FROM\b""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    function: str
    what: str

    def __str__(self):
        return f"{self.path}:{self.line} in {self.function}: {self.what}"


class _Scope:
    def __init__(self, parent: "_Scope | None", name: str):
        self.parent, self.name, self.names = parent, name, {}

    def lookup(self, name: str) -> str | None:
        scope = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None


class _LedgerWrites(ast.NodeVisitor):
    """What a module writes to the ledger's models and tables."""

    def __init__(self, path: str, tree: ast.Module):
        self.path = path
        self.findings: list[Finding] = []
        self.aliases = set(MODELS)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                self.aliases |= {a.asname for a in node.names if a.name in MODELS and a.asname}
        self.scope = _Scope(None, "<module>")
        self._bind_all(tree.body, self.scope)

    # --- what an expression is: a model, a queryset, an instance, a table name --------

    def kind(self, node: ast.AST, scope: _Scope | None = None) -> str | None:
        scope = scope or self.scope
        if isinstance(node, ast.Await):
            return self.kind(node.value, scope)
        if isinstance(node, ast.Name):
            return "model" if node.id in self.aliases else scope.lookup(node.id)
        if isinstance(node, ast.Constant):
            is_table = isinstance(node.value, str) and node.value.strip('"`').lower() in TABLES
            return "table" if is_table else None
        if isinstance(node, ast.Attribute):
            if node.attr in MODELS:
                return "model"
            if node.attr in MANAGERS and self.kind(node.value, scope) == "model":
                return "queryset"
            if node.attr in RELATED_MANAGERS:
                return "queryset"
            if node.attr in RELATED_INSTANCES:
                return "instance"
            if (
                node.attr == "db_table"
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "_meta"
                and self.kind(node.value.value, scope) == "model"
            ):
                return "table"
            return None
        if isinstance(node, ast.Subscript):
            inner = self.kind(node.value, scope)
            if inner == "pair":
                return "instance"
            if inner == "queryset":
                return "queryset" if isinstance(node.slice, ast.Slice) else "instance"
            return None
        if isinstance(node, ast.Call):
            func = node.func
            if self.kind(func, scope) == "model":
                return "instance"
            if isinstance(func, ast.Attribute) and func.attr == "get_model":
                named = [a.value for a in node.args if isinstance(a, ast.Constant)]
                return "model" if set(named) & MODELS else None
            if isinstance(func, ast.Attribute) and self.kind(func.value, scope) == "queryset":
                if func.attr in INSTANCE_GETTERS:
                    return "instance"
                if func.attr in PAIR_GETTERS:
                    return "pair"
                if func.attr in QUERYSET_METHODS:
                    return "queryset"
        return None

    def _bind_all(self, body: list[ast.stmt], scope: _Scope) -> None:
        """Bind the names of one function (or the module) before reading its uses, so that
        the order of statements does not matter; nested functions get their own scope."""
        for _pass in range(2):  # a name bound from another name bound later in the walk
            todo: list[ast.AST] = list(body)
            while todo:
                node = todo.pop()
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    continue
                if isinstance(node, ast.Assign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    value_kind = self.kind(node.value, scope) if node.value else None
                    for target in targets:
                        self._bind(target, value_kind, scope)
                elif isinstance(node, ast.NamedExpr):
                    self._bind(node.target, self.kind(node.value, scope), scope)
                elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                    if self.kind(node.iter, scope) == "queryset":
                        self._bind(node.target, "instance", scope)
                todo.extend(ast.iter_child_nodes(node))

    def _bind(self, target: ast.AST, kind: str | None, scope: _Scope) -> None:
        if kind is None:
            return
        if isinstance(target, ast.Name):
            scope.names[target.id] = kind
        elif isinstance(target, ast.Tuple | ast.List) and kind == "pair" and target.elts:
            self._bind(target.elts[0], "instance", scope)

    # --- visiting ---------------------------------------------------------------------

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer = self.scope
        name = node.name if outer.name == "<module>" else f"{outer.name}.{node.name}"
        self.scope = _Scope(outer, name)
        arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        for argument in arguments:
            annotation = argument.annotation
            if annotation is not None and any(
                self.kind(sub) == "model"
                for sub in ast.walk(annotation)
                if isinstance(sub, ast.Name | ast.Attribute)
            ) and not any(
                isinstance(sub, ast.Subscript) for sub in ast.walk(annotation)
            ):  # fmt: skip
                self.scope.names[argument.arg] = "instance"
        self._bind_all(node.body, self.scope)
        self.generic_visit(node)
        self.scope = outer

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer = self.scope
        name = node.name if outer.name == "<module>" else f"{outer.name}.{node.name}"
        self.scope = _Scope(outer, name)
        self.generic_visit(node)
        self.scope = outer

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = self.kind(func.value)
            if receiver == "queryset" and func.attr in QUERYSET_WRITES:
                self._found(node, f"queryset .{func.attr}() on a ledger model")
            elif receiver == "instance" and func.attr in INSTANCE_WRITES:
                self._found(node, f".{func.attr}() of a ledger model instance")
        for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
            if self.kind(argument) == "table":
                self._found(argument, "a ledger table name handed to code that builds SQL")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self._sql(node, node.value)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._sql(node, self._text(node))  # the parts are checked together, not one by one
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                self.visit(part.value)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        text = self._text(node)
        if text is None:
            self.generic_visit(node)
            return
        self._sql(node, text)
        for side in (node.left, node.right):
            if not isinstance(side, ast.Constant | ast.JoinedStr | ast.BinOp):
                self.visit(side)

    def _text(self, node: ast.AST) -> str | None:
        """The string an expression builds, a ledger table wherever one is put in, `{}`
        for any other value; None when it is not a string."""
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            return "".join(self._text(part) or "{}" for part in node.values)
        if isinstance(node, ast.FormattedValue):
            return self._table_name(node.value) or "{}"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._text(node.left), self._text(node.right)
            if left is None and right is None:
                return None
            return (left or self._table_name(node.left) or "{}") + (
                right or self._table_name(node.right) or "{}"
            )
        return None

    def _table_name(self, node: ast.AST) -> str | None:
        return "participants_ledger_table" if self.kind(node) == "table" else None

    def _sql(self, node: ast.AST, text: str | None) -> None:
        if text is None:
            return
        text = text.replace("participants_ledger_table", "participants_contributionposting")
        if _SQL_WRITE.search(text):
            self._found(node, "raw SQL writing a ledger table")

    def _found(self, node: ast.AST, what: str) -> None:
        self.findings.append(Finding(self.path, node.lineno, self.scope.name, what))


def ledger_writes(source: str, path: str) -> list[Finding]:
    tree = ast.parse(source, filename=path)
    visitor = _LedgerWrites(path, tree)
    visitor.visit(tree)
    return visitor.findings


def product_sources() -> list[Path]:
    base = Path(settings.BASE_DIR)
    config = tomllib.loads((base / "pyproject.toml").read_text())
    packages = [*config["tool"]["importlinter"]["root_packages"], "benchmarks"]
    return sorted(
        path
        for package in packages
        for path in (base / package).rglob("*.py")
        if "migrations" not in path.relative_to(base).parts
    )


def test_only_the_ledger_writes_postings_and_balances():
    base = Path(settings.BASE_DIR)
    sources = product_sources()
    assert base / LEDGER_MODULE in sources
    assert len(sources) > 100  # every app was found
    found: list[Finding] = []
    for path in sources:
        relative = path.relative_to(base).as_posix()
        if relative != LEDGER_MODULE:
            found += ledger_writes(path.read_text(), relative)
    unexpected = [str(f) for f in found if (f.path, f.function) not in ALLOWED]
    assert unexpected == [], "write the ledger through participants/ledger.py"
    # An exception for code that no longer writes is stale: remove it.
    assert {(f.path, f.function) for f in found} == set(ALLOWED)


def test_the_ledger_module_itself_is_seen_writing():
    """The scan reads the real ledger as a writer: it recognises the writes that matter."""
    path = Path(settings.BASE_DIR) / LEDGER_MODULE
    functions = {f.function for f in ledger_writes(path.read_text(), LEDGER_MODULE)}
    assert {
        "_balances_apply", "ledger_contribution_post", "ledger_posting_reverse",
        "ledger_withdrawal_post", "_postings_bulk_create", "_postings_insert_unnest",
        "_balances_apply_bulk", "ledger_returns_credit_card", "ledger_card_move", "_total_shift",
        "ledger_balances_rebuild",
    } <= functions  # fmt: skip


WRITES = """
from django.apps import apps
from django.db import connection
from participants import models
from participants.models import ContributionPosting, JhtBalance as Total, KpjBalance

def writer(card, participant, posting: ContributionPosting):
    ContributionPosting.objects.create(kpj_card=card)  # write
    models.KpjBalance.objects.filter(pk=1).update(balance=0)  # write
    Total.objects.update_or_create(participant=participant)  # write
    KpjBalance._default_manager.bulk_create([])  # write
    ContributionPosting.objects.filter(pk=1).select_for_update().delete()  # write
    queryset = KpjBalance.objects.filter(balance__lt=0)
    queryset.update(balance=0)  # write
    row = KpjBalance.objects.get(pk=1)
    row.save()  # write
    first = ContributionPosting.objects.filter(kind="x")[0]
    first.delete()  # write
    total, _ = Total.objects.get_or_create(participant=participant)  # write
    total.save(update_fields=["balance"])  # write
    for each in KpjBalance.objects.all():
        each.save()  # write
    ContributionPosting(kpj_card=card, amount=1).save()  # write
    posting.save()  # write
    card.postings.update(participant=participant)  # write
    card.balance.save()  # write
    participant.jht_balance.delete()  # write
    apps.get_model("participants", "JhtBalance").objects.all().delete()  # write
    connection.cursor().execute("INSERT INTO participants_contributionposting VALUES (1)")  # write
    connection.cursor().execute(
        "update participants_jhtbalance set balance = 0"  # write
    )
    table = ContributionPosting._meta.db_table
    sql = f"DELETE FROM {table} WHERE id = %s"  # write
    other = KpjBalance._meta.db_table
    joined = "UPDATE " + other + " SET balance = 0"  # write
    copy = 'COPY "participants_kpjbalance" (kpj_card_id, balance) FROM STDIN'  # write
    helper_copy("participants_contributionposting", [])  # write
    helper_copy(table, [])  # write


async def async_writer():
    await ContributionPosting.objects.filter(pk=1).adelete()  # write
"""

READS = """
from django.db import connection
from django.db.models import Sum
from participants.models import ContributionPosting, JhtBalance, KpjBalance

def reader(card, participant, posting: ContributionPosting, postings: list[ContributionPosting]):
    ContributionPosting.objects.filter(kpj_card=card).aggregate(total=Sum("amount"))
    totals = dict(KpjBalance.objects.values_list("kpj_card_id", "balance"))
    totals.update({1: 2})
    found = JhtBalance.objects.filter(participant=participant).first()
    amount = found.balance if found else 0
    ContributionPosting.objects.select_for_update().filter(pk=posting.pk).exists()
    card.save(update_fields=["status"])
    participant.delete()
    card.postings.filter(program="JHT").count()
    for item in postings:
        item.amount
    rows = ContributionPosting.objects.filter(kind="x").values("month")
    settings = {"balance": 1}
    settings.update(balance=2)
    connection.cursor().execute("SELECT balance FROM participants_jhtbalance WHERE id = %s")
    connection.cursor().execute("COPY (SELECT id FROM participants_contributionposting) TO STDOUT")
    connection.cursor().execute("COPY participants_kpjbalance TO STDOUT")
    text = "Update the balance in participants_jhtbalance by the ledger"
    sql = f"SELECT * FROM {ContributionPosting._meta.db_table}"
    cards = KpjBalance.objects.in_bulk([1])
    cards.clear()
    posting.refresh_from_db()
"""


def test_the_scan_flags_every_kind_of_write():
    """Each line marked `# write` in a sample module is found, and nothing else."""
    found = {finding.line for finding in ledger_writes(WRITES, "sample.py")}
    marked = {n for n, line in enumerate(WRITES.splitlines(), start=1) if "# write" in line}
    assert sorted(marked - found) == []  # writes the scan missed
    assert sorted(found - marked) == []  # reads taken for writes


def test_the_scan_leaves_reads_alone():
    assert [str(f) for f in ledger_writes(READS, "sample.py")] == []
